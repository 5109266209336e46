// Hardening defects that independent linters found in the renders (issue 16), each judged on
// the rendered objects of every profile and of the fixtures that switch every template on.
import { expect } from "chai";
import { helmTemplate, NAMESPACE, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";
import { caseName, fixture, renderCases, rendered, selects } from "./cases.js";

function containersOf(spec: Record<string, any>): Array<Record<string, any>> {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** Every pod the render creates: workload templates and helm test pods. */
function allPods(objects: K8sObject[]): Array<{ owner: string; namespace: string | undefined; labels: Record<string, string>; spec: Record<string, any> }> {
  const workloads = objects.filter((o) => ["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind)).map((o: any) => ({
    owner: `${o.kind}/${o.metadata.name}`, namespace: o.metadata.namespace, labels: o.spec.template.metadata?.labels ?? {}, spec: o.spec.template.spec,
  }));
  const pods = objects.filter((o) => o.kind === "Pod").map((o: any) => ({ owner: `Pod/${o.metadata.name}`, namespace: o.metadata.namespace, labels: o.metadata.labels ?? {}, spec: o.spec }));
  return [...workloads, ...pods];
}

describe("render: PodDisruptionBudgets never block a drain", () => {
  for (const file of renderCases) {
    it(`${caseName(file)}: every PodDisruptionBudget evicts unhealthy pods (unhealthyPodEvictionPolicy AlwaysAllow)`, () => {
      const budgets = rendered(file).filter((o) => o.kind === "PodDisruptionBudget");
      for (const budget of budgets) expect((budget as any).spec.unhealthyPodEvictionPolicy, budget.metadata.name).to.equal("AlwaysAllow");
    });
  }
  it("the fixtures render budgets to judge", () => {
    expect(rendered(fixture("all-enabled.yaml")).filter((o) => o.kind === "PodDisruptionBudget").length).to.be.greaterThan(1);
  });
});

// Kinds the chart renders that have no namespace; every other kind it renders is namespaced.
const CLUSTER_SCOPED = new Set(["ClusterRole", "ClusterRoleBinding"]);

describe("render: every namespaced object names its namespace (helm template | kubectl apply works without -n)", () => {
  for (const file of renderCases) {
    it(`${caseName(file)}: metadata.namespace on every namespaced object, the release's unless node-exporter's own`, () => {
      const objects = rendered(file);
      const missing = objects.filter((o) => !CLUSTER_SCOPED.has(o.kind) && !o.metadata.namespace).map((o) => `${o.kind}/${o.metadata.name}`);
      expect(missing).to.deep.equal([]);
      for (const o of objects.filter((o) => o.metadata.namespace && o.metadata.namespace !== NAMESPACE)) {
        expect(o.metadata.labels?.["app.kubernetes.io/name"], `${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).to.be.oneOf(["node-exporter", "grafana"]);
      }
      for (const o of objects.filter((o) => CLUSTER_SCOPED.has(o.kind))) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).to.equal(undefined);
    });
  }
  it("the ClusterRoleBindings' subjects live where the ServiceAccounts are rendered", () => {
    for (const file of renderCases) {
      const objects = rendered(file);
      for (const binding of objects.filter((o) => o.kind === "ClusterRoleBinding") as any[]) {
        for (const subject of binding.subjects) {
          const account = objects.find((o) => o.kind === "ServiceAccount" && o.metadata.name === subject.name);
          expect(account?.metadata.namespace, `${caseName(file)}: ${subject.name}`).to.equal(subject.namespace);
        }
      }
    }
  });
});

// The resources kube-state-metrics v2.17.0 (the pinned image) knows by these names: its
// DefaultResources (pkg/options/resource.go at the tag); --resources refuses any other name.
const KSM_RESOURCES = [
  "certificatesigningrequests", "configmaps", "cronjobs", "daemonsets", "deployments", "endpoints", "horizontalpodautoscalers",
  "ingresses", "jobs", "leases", "limitranges", "mutatingwebhookconfigurations", "namespaces", "networkpolicies", "nodes",
  "persistentvolumeclaims", "persistentvolumes", "poddisruptionbudgets", "pods", "replicasets", "replicationcontrollers",
  "resourcequotas", "secrets", "services", "statefulsets", "storageclasses", "validatingwebhookconfigurations", "volumeattachments",
];

function kubeStateMetrics(objects: K8sObject[]): { granted: string[]; listed: string[]; verbs: string[] } {
  const role = objects.find((o) => o.kind === "ClusterRole" && o.metadata.name === `${RELEASE}-kube-state-metrics-${NAMESPACE}`) as any;
  const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === `${RELEASE}-kube-state-metrics`) as any;
  const args: string[] = deployment.spec.template.spec.containers[0].args;
  const flags = args.filter((a) => a.startsWith("--resources="));
  expect(flags, "--resources given once").to.have.length(1);
  return {
    granted: role.rules.flatMap((r: any) => r.resources).sort(),
    listed: flags[0]!.slice("--resources=".length).split(",").sort(),
    verbs: [...new Set<string>(role.rules.flatMap((r: any) => r.verbs))].sort(),
  };
}

describe("render: kube-state-metrics reads no Secret unless asked, and lists exactly what its RBAC grants", () => {
  for (const file of renderCases.filter((f) => rendered(f).some((o) => o.kind === "Deployment" && o.metadata.name === `${RELEASE}-kube-state-metrics`))) {
    it(`${caseName(file)}: --resources equals the ClusterRole's resources, without secrets, each a v2.17 resource`, () => {
      const { granted, listed, verbs } = kubeStateMetrics(rendered(file));
      expect(listed).to.deep.equal(granted);
      expect(granted).to.not.include("secrets");
      expect(verbs).to.deep.equal(["list", "watch"]);
      for (const name of listed) expect(KSM_RESOURCES, name).to.include(name);
    });
  }
  it("exporters.kubeStateMetrics.secretMetrics: true adds secrets to both", () => {
    const { granted, listed } = kubeStateMetrics(parseObjects(helmTemplate([fixture("all-enabled.yaml")], ["--set", "exporters.kubeStateMetrics.secretMetrics=true"])));
    expect(granted).to.include("secrets");
    expect(listed).to.deep.equal(granted);
  });
});

describe("render: a NetworkPolicy only for what the release runs", () => {
  for (const file of renderCases) {
    it(`${caseName(file)}: every NetworkPolicy selects a pod the release renders in its namespace`, () => {
      const objects = rendered(file);
      // A Prometheus resource's pods are the operator's, with its selector labels (the cluster
      // layer runs the operator and selects them by these labels).
      const operatorPods = (objects.filter((o) => o.kind === "Prometheus") as any[]).map((p) => ({
        owner: `Prometheus/${p.metadata.name}`,
        namespace: p.metadata.namespace,
        labels: { ...(p.spec.podMetadata?.labels ?? {}), "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": p.metadata.name, "app.kubernetes.io/managed-by": "prometheus-operator", prometheus: p.metadata.name },
        spec: {} as Record<string, any>,
      }));
      const pods = [...allPods(objects), ...operatorPods];
      for (const policy of objects.filter((o) => o.kind === "NetworkPolicy") as any[]) {
        const selector = policy.spec.podSelector;
        const matches = pods.filter((pod) => (pod.namespace ?? NAMESPACE) === (policy.metadata.namespace ?? NAMESPACE) &&
          selects(selector.matchLabels ?? {}, pod.labels) &&
          (selector.matchExpressions ?? []).every((e: any) => e.operator === "In" && e.values.includes(pod.labels[e.key])));
        expect(matches.map((p) => p.owner), `${policy.metadata.name} selects nothing`).to.not.deep.equal([]);
      }
    });
  }
});

describe("render: exporters read credentials from files, never from environment variables", () => {
  for (const file of renderCases) {
    it(`${caseName(file)}: no container takes a Secret through env or envFrom`, () => {
      for (const pod of allPods(rendered(file))) {
        for (const container of containersOf(pod.spec)) {
          const fromSecret = (container.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.name);
          expect(fromSecret, `${pod.owner}/${container.name}`).to.deep.equal([]);
          expect((container.envFrom ?? []).filter((e: any) => e.secretRef), `${pod.owner}/${container.name}`).to.deep.equal([]);
        }
      }
    });
  }

  /** The file a container reads at path, as the Secret key of a mounted volume: [secret, key]. */
  function mountedSecretKey(pod: Record<string, any>, container: Record<string, any>, path: string): [string, string] | undefined {
    for (const mount of container.volumeMounts ?? []) {
      const volume = (pod.volumes ?? []).find((v: any) => v.name === mount.name);
      if (!volume?.secret || !path.startsWith(`${mount.mountPath}/`)) continue;
      const relative = path.slice(mount.mountPath.length + 1);
      const item = (volume.secret.items ?? []).find((i: any) => i.path === relative);
      if (item) return [volume.secret.secretName, item.key];
      if (!volume.secret.items) return [volume.secret.secretName, relative];
    }
    return undefined;
  }

  const objects = rendered(fixture("all-enabled.yaml"));
  const pod = (name: string) => (objects.find((o) => o.kind === "Deployment" && o.metadata.name === `${RELEASE}-${name}`) as any).spec.template.spec;

  it("postgres_exporter: DATA_SOURCE_PASS_FILE is the password key of the mounted Secret", () => {
    const spec = pod("postgres-exporter");
    const container = spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
    expect(env.DATA_SOURCE_PASS).to.equal(undefined);
    expect(env.DATA_SOURCE_USER).to.equal("monitor");
    expect(mountedSecretKey(spec, container, env.DATA_SOURCE_PASS_FILE)).to.deep.equal(["postgres-monitor", "password"]);
  });

  it("redis_exporter: --redis.password-file is the key of the mounted Secret (a JSON map address → password)", () => {
    const spec = pod("redis-exporter");
    const container = spec.containers[0];
    const flag = container.args.find((a: string) => a.startsWith("--redis.password-file="));
    expect(mountedSecretKey(spec, container, flag.slice("--redis.password-file=".length))).to.deep.equal(["redis-monitor", "password"]);
    expect((container.env ?? []).map((e: any) => e.name)).to.not.include("REDIS_PASSWORD");
  });

  it("the mounted Secrets are readable by the exporter's group only (0440, read as YAML 1.1 like kubectl and Helm do)", () => {
    const objects: any[] = parseObjects(helmTemplate([fixture("all-enabled.yaml")]));
    for (const name of ["postgres-exporter", "redis-exporter"]) {
      const spec = objects.find((o: any) => o.kind === "Deployment" && o.metadata.name === `${RELEASE}-${name}`).spec.template.spec;
      for (const volume of spec.volumes.filter((v: any) => v.secret)) expect(volume.secret.defaultMode, name).to.equal(0o440);
    }
  });
});

describe("render: disk use of every pod is bounded", () => {
  for (const file of renderCases) {
    describe(caseName(file), () => {
      const pods = allPods(rendered(file));
      it("every container requests and limits ephemeral-storage", () => {
        for (const pod of pods) {
          for (const container of containersOf(pod.spec)) {
            expect(container.resources?.requests?.["ephemeral-storage"], `${pod.owner}/${container.name} request`).to.be.a("string");
            expect(container.resources?.limits?.["ephemeral-storage"], `${pod.owner}/${container.name} limit`).to.be.a("string");
          }
        }
      });
      it("every emptyDir has a sizeLimit", () => {
        for (const pod of pods) {
          for (const volume of (pod.spec.volumes ?? []).filter((v: any) => v.emptyDir)) {
            expect(volume.emptyDir.sizeLimit, `${pod.owner} volume ${volume.name}`).to.be.a("string");
          }
        }
      });
    });
  }

  // Bytes of a Kubernetes quantity (the suffixes the schema admits).
  function bytes(quantity: string): number {
    const [, number, suffix] = /^([0-9.]+)([a-zA-Z]*)$/.exec(quantity)!;
    const factors: Record<string, number> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
    return Number(number) * factors[suffix!]!;
  }

  it("a pod's ephemeral-storage limits cover its emptyDirs (the kubelet evicts a pod above the sum of its limits)", () => {
    const withoutPersistence = ["--set", "prometheus.persistence.enabled=false", "--set", "alertmanager.persistence.enabled=false", "--set", "grafana.persistence.enabled=false"];
    for (const args of [[], withoutPersistence]) {
      for (const pod of allPods(parseObjects(helmTemplate([fixture("all-enabled.yaml")], args)))) {
        const volumes = (pod.spec.volumes ?? []).filter((v: any) => v.emptyDir).reduce((sum: number, v: any) => sum + bytes(v.emptyDir.sizeLimit), 0);
        const limits = containersOf(pod.spec).reduce((sum, c) => sum + bytes(c.resources.limits["ephemeral-storage"]), 0);
        expect(limits, pod.owner).to.be.greaterThan(volumes);
      }
    }
  });

  it("the data emptyDir without persistence is as large as persistence.size", () => {
    const objects = parseObjects(helmTemplate([fixture("all-enabled.yaml")], ["--set", "prometheus.persistence.enabled=false", "--set", "prometheus.persistence.size=3Gi"]));
    const prometheus = (objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === `${RELEASE}-prometheus`) as any).spec.template.spec;
    expect(prometheus.volumes.find((v: any) => v.name === "data").emptyDir.sizeLimit).to.equal("3Gi");
  });

  it("the resources keys override the defaults", () => {
    const objects = parseObjects(helmTemplate([fixture("all-enabled.yaml")], ["--set", "alertmanager.resources.limits.ephemeral-storage=3Gi"]));
    const alertmanager = (objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === `${RELEASE}-alertmanager`) as any).spec.template.spec;
    expect(alertmanager.containers[0].resources.limits["ephemeral-storage"]).to.equal("3Gi");
    expect(alertmanager.containers[0].resources.limits.memory).to.be.a("string");
  });
});

describe("render: postgres_exporter verifies the server's certificate by default", () => {
  const uri = (objects: K8sObject[]) => {
    const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === `${RELEASE}-postgres-exporter`) as any;
    return deployment.spec.template.spec.containers[0].env.find((e: any) => e.name === "DATA_SOURCE_URI").value as string;
  };

  it("sslmode=verify-full unless the profile says otherwise", () => {
    expect(uri(rendered(fixture("all-enabled.yaml")))).to.match(/[?&]sslmode=verify-full(&|$)/);
  });

  it("a profile can choose another mode", () => {
    expect(uri(parseObjects(helmTemplate([fixture("all-enabled.yaml")], ["--set", "exporters.postgres.sslMode=require"])))).to.match(/[?&]sslmode=require(&|$)/);
  });

  it("sslRootCertSecret: the CA file is mounted and named by sslrootcert", () => {
    const objects = parseObjects(helmTemplate([fixture("all-enabled.yaml")], ["--set", "exporters.postgres.sslRootCertSecret.name=postgres-ca", "--set", "exporters.postgres.sslRootCertSecret.key=ca.crt"]));
    const path = /[?&]sslrootcert=([^&]+)/.exec(uri(objects))?.[1];
    expect(path).to.be.a("string");
    const spec = (objects.find((o) => o.kind === "Deployment" && o.metadata.name === `${RELEASE}-postgres-exporter`) as any).spec.template.spec;
    const mount = spec.containers[0].volumeMounts.find((m: any) => path!.startsWith(`${m.mountPath}/`));
    const volume = spec.volumes.find((v: any) => v.name === mount.name);
    expect(volume.secret.secretName).to.equal("postgres-ca");
    expect(volume.secret.items.find((i: any) => `${mount.mountPath}/${i.path}` === path).key).to.equal("ca.crt");
  });
});
