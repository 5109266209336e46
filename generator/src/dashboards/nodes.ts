// "Nodes": every node-exporter metric family an operator looks at first, one row each (CPU,
// memory, disk I/O, filesystems, network, pressure), every series named by the node's name.
// Metric names are those node_exporter v1.10.1 exports on Linux.
import { BigValueGraphMode, StackingConfigBuilder, StackingMode } from "@grafana/grafana-foundation-sdk/common";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { byNodeName, countStat, dashboard, finish, Grid, labelVariable, query, series, stat, thresholds, type DashboardDefinition } from "./kit.js";

// Virtual interfaces (loopback, CNI bridges, veth pairs, tunnels) would count traffic twice.
const physical = 'device!~"lo|veth.*|cni.*|flannel.*|cali.*|docker.*|br-.*|vxlan.*|tunl.*|kube-.*"';
// Pseudo and in-memory filesystems have no disk behind them.
const realFilesystems = 'fstype!~"tmpfs|ramfs|squashfs|overlay|nsfs|fuse.*",mountpoint!~"/run.*|/var/lib/kubelet/.*"';
// Partitions and device-mapper children repeat their disk's I/O.
const wholeDisks = 'device!~"dm-.*|loop.*|ram.*|sr.*"';

const usage = () => thresholds("green", [0.75, "yellow"], [0.9, "red"]);

function build() {
  const grid = new Grid();
  const node = (expr: string, legend = "{{nodename}}") => query("A", byNodeName(expr), legend);
  return finish(
    dashboard("Nodes", "promstack-nodes", ["nodes", "node-exporter"])
      .description("CPU, memory, disk I/O, filesystems, network and pressure stall of every node, from node-exporter.")
      .refresh("1m")
      .time({ from: "now-6h", to: "now" })
      .withVariable(labelVariable("node", "Node", "node_uname_info", "nodename"))
      .withPanel(grid.place(
        countStat("Nodes", "Nodes whose node-exporter answers now.")
          .withTarget(query("A", 'count(node_uname_info{nodename=~"$node"})')), 6, 4))
      .withPanel(grid.place(
        countStat("CPU cores", "CPU cores of the selected nodes.")
          .withTarget(query("A", `sum(${byNodeName('count by (instance) (node_cpu_seconds_total{mode="idle"})')})`)), 6, 4))
      .withPanel(grid.place(
        stat().title("Memory").description("Memory of the selected nodes.").unit("bytes").graphMode(BigValueGraphMode.None)
          .withTarget(query("A", `sum(${byNodeName("node_memory_MemTotal_bytes")})`)), 6, 4))
      .withPanel(grid.place(
        stat().title("Shortest uptime").description("Time since the most recent node boot among the selected nodes.").unit("s").graphMode(BigValueGraphMode.None)
          .withTarget(query("A", `min(time() - ${byNodeName("node_boot_time_seconds")})`)), 6, 4))
      .withRow(grid.row(new RowBuilder("CPU")))
      .withPanel(grid.place(
        series("CPU usage", "Share of CPU time not idle, averaged over the cores of each node.", "percentunit").min(0).max(1).thresholds(usage())
          .withTarget(node('1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval]))')), 8, 8))
      .withPanel(grid.place(
        series("CPU by mode", "CPU time of the selected nodes by mode (user, system, iowait, steal...), in cores.", "none").min(0).stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
          .withTarget(query("A", `sum by (mode) (${byNodeName('rate(node_cpu_seconds_total{mode!="idle"}[$__rate_interval])')})`, "{{mode}}")), 8, 8))
      .withPanel(grid.place(
        series("Load per core", "1-minute load average divided by the node's cores: above 1 means tasks wait for a CPU.", "none").min(0)
          .withTarget(node('node_load1 / on(instance) count by (instance) (node_cpu_seconds_total{mode="idle"})')), 8, 8))
      .withRow(grid.row(new RowBuilder("Memory")))
      .withPanel(grid.place(
        series("Memory used", "Share of memory not available to new programs (MemAvailable counts reclaimable caches as free).", "percentunit").min(0).max(1).thresholds(usage())
          .withTarget(node("1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes")), 12, 8))
      .withPanel(grid.place(
        series("Swap used", "Swap space in use; none on nodes without swap.", "bytes").min(0)
          .withTarget(node("node_memory_SwapTotal_bytes - node_memory_SwapFree_bytes")), 12, 8))
      .withRow(grid.row(new RowBuilder("Disk I/O")))
      .withPanel(grid.place(
        series("Disk read", "Bytes read per second, by node and disk.", "Bps").min(0)
          .withTarget(node(`rate(node_disk_read_bytes_total{${wholeDisks}}[$__rate_interval])`, "{{nodename}} {{device}}")), 8, 8))
      .withPanel(grid.place(
        series("Disk written", "Bytes written per second, by node and disk.", "Bps").min(0)
          .withTarget(node(`rate(node_disk_written_bytes_total{${wholeDisks}}[$__rate_interval])`, "{{nodename}} {{device}}")), 8, 8))
      .withPanel(grid.place(
        series("Disk busy", "Share of time each disk had I/O in progress; near 100 % the disk is saturated.", "percentunit").min(0).max(1).thresholds(usage())
          .withTarget(node(`rate(node_disk_io_time_seconds_total{${wholeDisks}}[$__rate_interval])`, "{{nodename}} {{device}}")), 8, 8))
      .withRow(grid.row(new RowBuilder("Filesystems")))
      .withPanel(grid.place(
        series("Filesystem used", "Share of each filesystem's space in use (as seen by unprivileged users).", "percentunit").min(0).max(1).thresholds(usage())
          .withTarget(node(`1 - node_filesystem_avail_bytes{${realFilesystems}} / node_filesystem_size_bytes{${realFilesystems}}`, "{{nodename}} {{mountpoint}}")), 12, 8))
      .withPanel(grid.place(
        series("Filesystem available", "Space left to unprivileged users on each filesystem.", "bytes").min(0)
          .withTarget(node(`node_filesystem_avail_bytes{${realFilesystems}}`, "{{nodename}} {{mountpoint}}")), 12, 8))
      .withRow(grid.row(new RowBuilder("Network")))
      .withPanel(grid.place(
        series("Network received", "Bytes per second received on the physical interfaces of each node.", "Bps").min(0)
          .withTarget(node(`sum by (instance) (rate(node_network_receive_bytes_total{${physical}}[$__rate_interval]))`)), 8, 8))
      .withPanel(grid.place(
        series("Network sent", "Bytes per second sent on the physical interfaces of each node.", "Bps").min(0)
          .withTarget(node(`sum by (instance) (rate(node_network_transmit_bytes_total{${physical}}[$__rate_interval]))`)), 8, 8))
      .withPanel(grid.place(
        series("Network errors and drops", "Packets per second received or sent with errors, or dropped, on the physical interfaces.", "pps").min(0)
          .withTarget(node(`sum by (instance) (rate(node_network_receive_errs_total{${physical}}[$__rate_interval]) + rate(node_network_transmit_errs_total{${physical}}[$__rate_interval]) + rate(node_network_receive_drop_total{${physical}}[$__rate_interval]) + rate(node_network_transmit_drop_total{${physical}}[$__rate_interval]))`)), 8, 8))
      .withRow(grid.row(new RowBuilder("Pressure")))
      .withPanel(grid.place(
        series("CPU pressure", "Share of time some task waited for a CPU (Linux pressure stall information).", "percentunit").min(0).max(1)
          .withTarget(node("rate(node_pressure_cpu_waiting_seconds_total[$__rate_interval])")), 8, 8))
      .withPanel(grid.place(
        series("Memory pressure", "Share of time some task waited for memory (reclaim, swap-in); \"full\" means no task could run.", "percentunit").min(0).max(1)
          .withTarget(node("rate(node_pressure_memory_waiting_seconds_total[$__rate_interval])", "{{nodename}} some"))
          .withTarget(query("B", byNodeName("rate(node_pressure_memory_stalled_seconds_total[$__rate_interval])"), "{{nodename}} full")), 8, 8))
      .withPanel(grid.place(
        series("I/O pressure", "Share of time some task waited for I/O; \"full\" means no task could run.", "percentunit").min(0).max(1)
          .withTarget(node("rate(node_pressure_io_waiting_seconds_total[$__rate_interval])", "{{nodename}} some"))
          .withTarget(query("B", byNodeName("rate(node_pressure_io_stalled_seconds_total[$__rate_interval])"), "{{nodename}} full")), 8, 8)),
  );
}

export const nodes: DashboardDefinition = { name: "nodes", source: "node-exporter", build };
