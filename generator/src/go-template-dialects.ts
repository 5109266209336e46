// The programs that parse Go templates from a profile, each with the functions it adds to
// text/template's builtins and the variables it declares before the user's text.
import type { TemplateDialect } from "./go-template.js";

/** text/template's builtin functions. */
const builtins = ["and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne"];

/** Alert labels and annotations as promtool check rules parses them (Prometheus 3.15's template/template.go, model/rulefmt). */
export const prometheusTemplates: TemplateDialect = {
  name: "Prometheus 3.15.0 alert templates",
  functions: new Set([
    ...builtins,
    "query", "first", "label", "value", "strvalue", "args", "reReplaceAll", "safeHtml", "match", "title", "toUpper", "toLower",
    "graphLink", "tableLink", "sortByLabel", "stripPort", "stripDomain", "humanize", "humanize1024", "humanizeDuration",
    "humanizePercentage", "humanizeTimestamp", "toTime", "toDuration", "now", "pathPrefix", "externalURL", "parseDuration", "urlQueryEscape",
  ]),
  variables: ["$labels", "$externalLabels", "$externalURL", "$value"],
};

/** Alertmanager 0.34.2's notification templates and route labels (its template.DefaultFuncs). */
export const alertmanagerFunctions = [
  "toUpper", "toLower", "title", "trimSpace", "join", "match", "safeHtml", "safeUrl", "urlUnescape", "reReplaceAll",
  "stringSlice", "routeLabels", "date", "tz", "now", "since", "humanizeDuration", "toDate", "mustToDate", "toJson",
  "base64encode", "base64decode", "list", "append", "dict",
];
export const alertmanagerTemplates: TemplateDialect = {
  name: "Alertmanager 0.34.2 templates",
  functions: new Set([...builtins, ...alertmanagerFunctions]),
  variables: [],
};
