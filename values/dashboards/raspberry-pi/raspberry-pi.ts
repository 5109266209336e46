// "Raspberry Pi Cluster Monitoring" (seed 001_9bc49c6dc5a1a13f.txt, section 5): nine panels
// over node-exporter metrics of the two k3s boards, every series named by the node's name
// (k3s-master, k3s-worker-1) rather than its IP, refreshed every 30 s over the last hour.
import { BigValueColorMode, BigValueGraphMode, GraphThresholdsStyleConfigBuilder, GraphThresholdsStyleMode, VizLegendOptionsBuilder, LegendDisplayMode, LegendPlacement } from "@grafana/grafana-foundation-sdk/common";
import { PanelBuilder as GaugePanel } from "@grafana/grafana-foundation-sdk/gauge";
import { PanelBuilder as TimeSeriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import { at, byNodeName, dashboard, finish, instant, labelVariable, lastValue, query, stat, thresholds, type DashboardDefinition } from "../../../generator/src/dashboards/kit.js";

// "Memory Usage by Node - Time series with thresholds (yellow @ 75%, red @ 85%)". The same
// levels mark CPU and disk use, and the temperature gauge, where 75 °C is the HighTemperature
// alert and 85 °C the point where the Pi firmware throttles the CPU hard.
const usageThresholds = () => thresholds("green", [75, "yellow"], [85, "red"]);

// Virtual interfaces of k3s (flannel, CNI bridges, veth pairs) would count every byte twice.
const physicalInterfaces = 'device!~"lo|veth.*|cni.*|flannel.*|docker.*|br-.*|vxlan.*"';


const legendTable = () => new VizLegendOptionsBuilder().displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Bottom).showLegend(true).calcs(["lastNotNull", "max"]);

function percentOverTime(title: string, description: string, expr: string): TimeSeriesPanel {
  return new TimeSeriesPanel()
    .title(title)
    .description(description)
    .unit("percent")
    .min(0)
    .max(100)
    .thresholds(usageThresholds())
    .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.LineAndArea))
    .fillOpacity(10)
    .legend(legendTable())
    .withTarget(query("A", byNodeName(expr), "{{nodename}}"));
}

function networkTraffic(direction: "receive" | "transmit", title: string): TimeSeriesPanel {
  return new TimeSeriesPanel()
    .title(title)
    .description(`Bytes per second ${direction === "receive" ? "received" : "sent"} on the physical interfaces of each node.`)
    .unit("Bps")
    .min(0)
    .fillOpacity(10)
    .legend(legendTable())
    .withTarget(query("A", byNodeName(`sum by (instance) (rate(node_network_${direction}_bytes_total{${physicalInterfaces}}[$__rate_interval]))`), "{{nodename}}"));
}

function build() {
  return finish(
    dashboard("Raspberry Pi Cluster Monitoring", "promstack-raspberry-pi", ["raspberry-pi", "node-exporter"])
      .description("CPU, memory, temperature, disk, network, load and uptime of every Raspberry Pi node, and the alerts firing now.")
      .refresh("30s")
      .time({ from: "now-1h", to: "now" })
      .withVariable(labelVariable("node", "Node", "node_uname_info", "nodename"))
      // 1
      .withPanel(at(
        percentOverTime(
          "CPU Usage by Node",
          "Share of CPU time not idle, averaged over the cores of each node.",
          '(1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval]))) * 100',
        ),
        0, 0, 12, 8,
      ))
      // 2
      .withPanel(at(
        percentOverTime(
          "Memory Usage by Node",
          "Memory in use (total minus available), yellow from 75 %, red from 85 % (the HighMemoryUsage alert).",
          "(1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) * 100",
        ),
        12, 0, 12, 8,
      ))
      // 3
      .withPanel(at(
        new GaugePanel()
          .title("CPU Temperature")
          .description("Hottest sensor of each node now; the HighTemperature alert fires above 75 °C, the firmware throttles at 85 °C.")
          .unit("celsius")
          .min(0)
          .max(100)
          .thresholds(usageThresholds())
          .reduceOptions(lastValue())
          .withTarget(instant("A", byNodeName("max by (instance) (node_hwmon_temp_celsius)"), "{{nodename}}")),
        0, 8, 6, 7,
      ))
      // 4
      .withPanel(at(
        new GaugePanel()
          .title("Disk Usage")
          .description("Share of the root filesystem in use; DiskSpaceRunningLow fires below 15 % free.")
          .unit("percent")
          .min(0)
          .max(100)
          .thresholds(usageThresholds())
          .reduceOptions(lastValue())
          .withTarget(instant(
            "A",
            byNodeName('max by (instance) ((1 - node_filesystem_avail_bytes{mountpoint="/",fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes{mountpoint="/",fstype!~"tmpfs|overlay|squashfs"}) * 100)'),
            "{{nodename}}",
          )),
        6, 8, 6, 7,
      ))
      // 5, 6
      .withPanel(at(networkTraffic("receive", "Network Traffic (Receive)"), 0, 15, 12, 8))
      .withPanel(at(networkTraffic("transmit", "Network Traffic (Transmit)"), 12, 15, 12, 8))
      // 7
      .withPanel(at(
        new TimeSeriesPanel()
          .title("System Load")
          .description("Load averages over 1, 5 and 15 minutes; above the node's core count means work is queuing.")
          .unit("short")
          .min(0)
          .legend(legendTable())
          .withTarget(query("A", byNodeName("node_load1"), "{{nodename}} 1m"))
          .withTarget(query("B", byNodeName("node_load5"), "{{nodename}} 5m"))
          .withTarget(query("C", byNodeName("node_load15"), "{{nodename}} 15m")),
        0, 23, 24, 8,
      ))
      // 8
      .withPanel(at(
        stat()
          .title("Uptime")
          .description("Time since each node booted.")
          .unit("dtdurations")
          .graphMode(BigValueGraphMode.None)
          .colorMode(BigValueColorMode.None)
          .withTarget(instant("A", byNodeName("node_time_seconds - node_boot_time_seconds"), "{{nodename}}")),
        12, 8, 6, 7,
      ))
      // 9
      .withPanel(at(
        stat()
          .title("Active Alerts")
          .description("Number of alerts firing now (Prometheus's ALERTS series).")
          .unit("none")
          .decimals(0)
          .graphMode(BigValueGraphMode.Area)
          .colorMode(BigValueColorMode.Background)
          .thresholds(thresholds("green", [1, "red"]))
          .withTarget(instant("A", 'count(ALERTS{alertstate="firing"}) or vector(0)', "firing")),
        18, 8, 6, 7,
      )),
  );
}

export const raspberryPi: DashboardDefinition = { name: "raspberry-pi", source: "001_9bc49c6dc5a1a13f.txt", build };
