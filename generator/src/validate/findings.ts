// Collects the problems semantic checks find, each anchored at a place in the profile.
import { dottedPath, type Problem, type Severity } from "./problem.js";
import { positionInString, positionOf, type ProfileSource } from "./source.js";

export type Segments = Array<string | number>;

export class Findings {
  readonly problems: Problem[] = [];
  constructor(readonly source: ProfileSource) {}

  /** Points at the value in the profile (or its key), or the nearest part of the profile that exists. */
  add(severity: Severity, segments: Segments, message: string, anchor: Segments = segments, atKey = false): void {
    const { line, col } = positionOf(this.source, anchor, atKey);
    this.problems.push({ file: this.source.file, line, col, path: dottedPath(segments), message, severity });
  }

  /** Points at a place inside the string value at segments (its own 1-based line and column). */
  addInString(severity: Severity, segments: Segments, message: string, line: number, col: number): void {
    const position = positionInString(this.source, segments, line, col);
    this.problems.push({ file: this.source.file, line: position.line, col: position.col, path: dottedPath(segments), message, severity });
  }
}
