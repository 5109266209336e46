// The routing tree as a Mermaid flowchart, the diagram GitHub renders in Markdown: one node per
// route with its matchers, receiver and the settings that change delivery, edges numbered in the
// order Alertmanager tries the children. Labels are quoted and every character Mermaid's
// grammar or its HTML reading would take as syntax is written as an entity code.
import { routeMatchers, type RouteConfig } from "./route-tree.js";

/** Text for inside a quoted Mermaid label: `#` first, since the entity codes themselves start with it. */
export function mermaidText(text: string): string {
  return text
    .replace(/#/g, "#35;")
    .replace(/&/g, "#38;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/`/g, "#96;")
    .replace(/\r?\n/g, " ");
}

function label(route: RouteConfig, root: boolean, inheritedReceiver: string): string {
  const lines: string[] = [];
  const matchers = routeMatchers(route).map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`);
  lines.push(root ? "every alert" : matchers.length > 0 ? matchers.join(", ") : "every alert (no matchers)");
  const receiver = route.receiver ?? inheritedReceiver;
  lines.push(`receiver: ${receiver}${route.receiver === undefined && !root ? " (inherited)" : ""}`);
  if (route.group_by) lines.push(`group_by: ${route.group_by.join(", ")}`);
  for (const key of ["group_wait", "group_interval", "repeat_interval"] as const) if (route[key]) lines.push(`${key}: ${route[key]}`);
  if (route.active_time_intervals?.length) lines.push(`active: ${route.active_time_intervals.join(", ")}`);
  if (route.mute_time_intervals?.length) lines.push(`muted: ${route.mute_time_intervals.join(", ")}`);
  if (route.continue) lines.push("continue: true");
  return lines.map(mermaidText).join("<br/>");
}

export function routeFlowchart(root: RouteConfig): string {
  const lines = ["flowchart LR"];
  const visit = (route: RouteConfig, id: string, isRoot: boolean, inherited: string) => {
    const receiver = route.receiver ?? inherited;
    lines.push(`  ${id}["${label(route, isRoot, inherited)}"]`);
    (route.routes ?? []).forEach((child, index) => {
      const childId = `${id}_${index}`;
      visit(child, childId, false, receiver);
      lines.push(`  ${id} -->|${index + 1}| ${childId}`);
    });
  };
  visit(root, "route", true, "");
  return lines.join("\n");
}
