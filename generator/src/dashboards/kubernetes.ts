// "Kubernetes workloads": pods and containers by namespace and pod. Phases, restarts, waiting
// reasons and replicas come from kube-state-metrics, which the chart scrapes (job
// kube-state-metrics, its labels kept). CPU and memory come from the kubelets' cAdvisor
// endpoint, which the chart does not scrape by default: those panels fill once a profile adds
// a cAdvisor job (see values/gorax.yaml, kubelet-cadvisor).
import { BigValueColorMode, BigValueGraphMode, StackingConfigBuilder, StackingMode } from "@grafana/grafana-foundation-sdk/common";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { countStat, dashboard, finish, Grid, labelVariable, query, series, stat, thresholds, type DashboardDefinition } from "./kit.js";

const selected = 'namespace=~"$namespace",pod=~"$pod"';
// cAdvisor also reports the pod's sandbox (container="") and the cgroup totals (no container label).
const containers = `${selected},container!="",container!="POD"`;

function build() {
  const grid = new Grid();
  const counter = (title: string, description: string, expr: string, red = 1) =>
    grid.place(
      countStat(title, description).colorMode(BigValueColorMode.Value)
        .thresholds(thresholds("green", [red, "red"]))
        .withTarget(query("A", expr)),
      6, 4,
    );
  return finish(
    dashboard("Kubernetes workloads", "promstack-kubernetes", ["kubernetes", "kube-state-metrics", "cadvisor"])
      .description("Pods and containers by namespace and pod: phases, restarts, waiting reasons, replicas (kube-state-metrics), CPU and memory (cAdvisor).")
      .refresh("1m")
      .time({ from: "now-6h", to: "now" })
      .withVariable(labelVariable("namespace", "Namespace", "kube_pod_info", "namespace"))
      .withVariable(labelVariable("pod", "Pod", 'kube_pod_info{namespace=~"$namespace"}', "pod"))
      .withPanel(grid.place(
        stat().title("Running pods").description("Pods in phase Running now.").unit("none").decimals(0).graphMode(BigValueGraphMode.Area)
          .withTarget(query("A", `sum(kube_pod_status_phase{${selected},phase="Running"})`)), 6, 4))
      .withPanel(counter("Pending pods", "Pods not yet scheduled or still pulling images.", `sum(kube_pod_status_phase{${selected},phase="Pending"})`))
      .withPanel(counter("Failed pods", "Pods whose containers ended with a failure and will not be restarted.", `sum(kube_pod_status_phase{${selected},phase="Failed"})`))
      .withPanel(counter("Restarts", "Container restarts during the selected time range.", `sum(increase(kube_pod_container_status_restarts_total{${selected}}[$__range]))`))
      .withRow(grid.row(new RowBuilder("Pods")))
      .withPanel(grid.place(
        series("Pods by phase", "Pods of the selected namespaces by phase.", "none").min(0).stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
          .withTarget(query("A", `sum by (phase) (kube_pod_status_phase{${selected}})`, "{{phase}}")), 12, 8))
      .withPanel(grid.place(
        series("Container restarts", "Restarts per pod in each interval; a steady line is a crash loop.", "none").min(0)
          .withTarget(query("A", `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{${selected}}[$__rate_interval])) > 0`, "{{namespace}}/{{pod}}")), 12, 8))
      .withPanel(grid.place(
        series("Containers waiting", "Containers that are not running, by the reason they wait (CrashLoopBackOff, ImagePullBackOff, ...).", "none").min(0)
          .withTarget(query("A", `sum by (namespace, pod, reason) (kube_pod_container_status_waiting_reason{${selected}}) > 0`, "{{namespace}}/{{pod}} {{reason}}")), 12, 8))
      .withPanel(grid.place(
        series("Replicas missing", "Deployments and StatefulSets with fewer ready replicas than they ask for.", "none").min(0)
          .withTarget(query("A", 'sum by (namespace, deployment) (kube_deployment_spec_replicas{namespace=~"$namespace"} - kube_deployment_status_replicas_available{namespace=~"$namespace"}) > 0', "deployment {{namespace}}/{{deployment}}"))
          .withTarget(query("B", 'sum by (namespace, statefulset) (kube_statefulset_replicas{namespace=~"$namespace"} - kube_statefulset_status_replicas_ready{namespace=~"$namespace"}) > 0', "statefulset {{namespace}}/{{statefulset}}")), 12, 8))
      .withRow(grid.row(new RowBuilder("CPU and memory (cAdvisor)")))
      .withPanel(grid.place(
        series("CPU usage by pod", "Cores used by each pod's containers (cAdvisor; needs a scrape job for the kubelets' /metrics/cadvisor).", "none").min(0)
          .withTarget(query("A", `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${containers}}[$__rate_interval]))`, "{{namespace}}/{{pod}}")), 12, 8))
      .withPanel(grid.place(
        series("Memory working set by pod", "Memory each pod's containers use and the kernel cannot reclaim: what the OOM killer and evictions judge (cAdvisor).", "bytes").min(0)
          .withTarget(query("A", `sum by (namespace, pod) (container_memory_working_set_bytes{${containers}})`, "{{namespace}}/{{pod}}")), 12, 8))
      .withPanel(grid.place(
        series("CPU usage of requests", "CPU used over CPU requested, by namespace (cAdvisor over kube-state-metrics): above 100 % a namespace lives on spare capacity.", "percentunit").min(0)
          .withTarget(query("A", `sum by (namespace) (rate(container_cpu_usage_seconds_total{${containers}}[$__rate_interval])) / sum by (namespace) (kube_pod_container_resource_requests{${selected},resource="cpu"})`, "{{namespace}}")), 12, 8))
      .withPanel(grid.place(
        series("Memory of limits", "Working set over memory limit, by pod (cAdvisor over kube-state-metrics): at 100 % the container is OOM-killed.", "percentunit").min(0).thresholds(thresholds("green", [0.8, "yellow"], [0.95, "red"]))
          .withTarget(query("A", `sum by (namespace, pod) (container_memory_working_set_bytes{${containers}}) / sum by (namespace, pod) (kube_pod_container_resource_limits{${selected},resource="memory"})`, "{{namespace}}/{{pod}}")), 12, 8)),
  );
}

export const kubernetes: DashboardDefinition = { name: "kubernetes", source: "kube-state-metrics", build };
