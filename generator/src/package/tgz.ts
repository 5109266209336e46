// Helm 3.22 packages are not reproducible, and helm offers no flag to make them so:
// - every entry is stamped with the time of packaging (pkg/chartutil/save.go: time.Now());
// - subcharts are written in the order of a Go map iteration (pkg/chart/loader), so their
//   blocks change places from one run to the next.
// This module rewrites the stamps to one given time, puts subchart blocks in name order
// (each block, and the parent chart's own entries, keep helm's order) and recompresses with
// fixed gzip header fields. Names, modes and contents stay byte for byte as helm wrote them.
import { crc32, deflateRawSync, gunzipSync } from "node:zlib";

const BLOCK = 512;
const MTIME = { offset: 136, length: 12 };
const CHECKSUM = { offset: 148, length: 8 };
const SIZE = { offset: 124, length: 12 };
const TYPEFLAG = 156;

export interface ArchiveEntry {
  name: string;
  mtime: number;
  data: Buffer;
}

interface GzipHeaderFields {
  extra?: Buffer;
  comment?: Buffer;
}

function octalField(header: Buffer, field: { offset: number; length: number }): number {
  const text = header.toString("latin1", field.offset, field.offset + field.length).replace(/[\0 ]+$/, "").trim();
  if (!/^[0-7]*$/.test(text)) throw new Error(`tar header has a non-octal field "${text}" (base-256 sizes are not expected in a chart)`);
  return text === "" ? 0 : parseInt(text, 8);
}

function entryName(header: Buffer): string {
  const cString = (start: number, length: number) => {
    const raw = header.subarray(start, start + length);
    const end = raw.indexOf(0);
    return raw.toString("utf8", 0, end === -1 ? length : end);
  };
  const prefix = header.toString("latin1", 257, 262) === "ustar" ? cString(345, 155) : "";
  const name = cString(0, 100);
  return prefix ? `${prefix}/${name}` : name;
}

function isZeroBlock(block: Buffer): boolean {
  return block.every((byte) => byte === 0);
}

function writeChecksum(header: Buffer): void {
  header.fill(0x20, CHECKSUM.offset, CHECKSUM.offset + CHECKSUM.length);
  let sum = 0;
  for (const byte of header) sum += byte;
  // Six octal digits, NUL, space: the layout Go's archive/tar and GNU tar write.
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, CHECKSUM.offset, "latin1");
}

interface TarRecord {
  /** The entry's header (and any PAX header before it), then its data padded to a block. */
  bytes: Buffer;
  name: string;
  type: string;
  mtime: number;
  data: Buffer;
}

/** Splits a tar stream into records and what follows them (the end-of-archive blocks). */
function tarRecords(tar: Buffer): { records: TarRecord[]; end: Buffer } {
  const records: TarRecord[] = [];
  let offset = 0;
  let recordStart = 0;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (isZeroBlock(header)) return { records, end: tar.subarray(offset) };
    const size = octalField(header, SIZE);
    const type = String.fromCharCode(header[TYPEFLAG]!);
    const data = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x" || type === "g") {
      // A PAX record carrying its own mtime would override the header field.
      if (/(^|\n)\d+ mtime=/.test(data.toString("utf8"))) throw new Error("a tar PAX header carries an mtime record; cannot normalise it");
      continue; // belongs to the next entry's record
    }
    records.push({ bytes: tar.subarray(recordStart, offset), name: entryName(header), type, mtime: octalField(header, MTIME), data });
    recordStart = offset;
  }
  throw new Error("tar stream ends without its end-of-archive marker");
}

/** The charts an entry belongs to, outermost first: a/charts/b/templates/x → [a, b]. */
function chartPath(name: string): string[] {
  const parts = name.split("/");
  const charts = [parts[0]!];
  for (let i = 1; parts[i] === "charts" && i + 2 < parts.length; i += 2) charts.push(parts[i + 1]!);
  return charts;
}

function compareChartPaths(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length; // a parent chart's own entries come before its subcharts
}

/** Dates every header `mtime` and orders subchart blocks by name (a stable sort). */
function normalizeTar(tar: Buffer, mtime: number): Buffer {
  const stamp = `${mtime.toString(8).padStart(MTIME.length - 1, "0")}\0`;
  const { records, end } = tarRecords(tar);
  const sorted = records
    .map((record, index) => ({ record, index, charts: chartPath(record.name) }))
    .sort((a, b) => compareChartPaths(a.charts, b.charts) || a.index - b.index)
    .map(({ record }) => Buffer.from(record.bytes));
  for (const bytes of sorted) {
    for (let offset = 0; offset < bytes.length; ) {
      const header = bytes.subarray(offset, offset + BLOCK);
      header.write(stamp, MTIME.offset, "latin1");
      writeChecksum(header);
      offset += BLOCK + Math.ceil(octalField(header, SIZE) / BLOCK) * BLOCK;
    }
  }
  return Buffer.concat([...sorted, end]);
}

/** The optional fields of a gzip member header (RFC 1952), kept so helm's marker survives. */
function readGzipHeader(gzip: Buffer): GzipHeaderFields {
  if (gzip[0] !== 0x1f || gzip[1] !== 0x8b || gzip[2] !== 8) throw new Error("not a gzip (deflate) archive");
  const flags = gzip[3]!;
  const fields: GzipHeaderFields = {};
  let offset = 10;
  if (flags & 0x04) {
    const length = gzip.readUInt16LE(offset);
    fields.extra = gzip.subarray(offset + 2, offset + 2 + length);
    offset += 2 + length;
  }
  const zeroTerminated = () => {
    const end = gzip.indexOf(0, offset);
    const value = gzip.subarray(offset, end);
    offset = end + 1;
    return value;
  };
  if (flags & 0x08) zeroTerminated(); // original file name: dropped, helm writes none
  if (flags & 0x10) fields.comment = zeroTerminated();
  return fields;
}

function writeGzip(payload: Buffer, fields: GzipHeaderFields): Buffer {
  const level = 9;
  let flags = 0;
  const parts: Buffer[] = [];
  if (fields.extra) {
    flags |= 0x04;
    const length = Buffer.alloc(2);
    length.writeUInt16LE(fields.extra.length);
    parts.push(length, fields.extra);
  }
  if (fields.comment) {
    flags |= 0x10;
    parts.push(fields.comment, Buffer.from([0]));
  }
  // MTIME 0 (no time recorded), XFL 2 (maximum compression), OS 255 (unknown): nothing
  // about the packaging machine or moment ends up in the header.
  const header = Buffer.from([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 2, 255]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(payload), 0);
  trailer.writeUInt32LE(payload.length % 2 ** 32, 4);
  return Buffer.concat([header, ...parts, deflateRawSync(payload, { level }), trailer]);
}

/** The archive with every entry dated `mtime` (seconds since the epoch). */
export function normalizeChartArchive(archive: Buffer, mtime: number): Buffer {
  if (!Number.isInteger(mtime) || mtime < 0 || mtime >= 8 ** 11) throw new Error(`invalid archive time ${mtime}`);
  return writeGzip(normalizeTar(gunzipSync(archive), mtime), readGzipHeader(archive));
}

/** Every regular file in a gzip-compressed tar archive, in archive order. */
export function archiveEntries(archive: Buffer): ArchiveEntry[] {
  return tarRecords(gunzipSync(archive))
    .records.filter((record) => record.type === "0" || record.type === "\0")
    .map(({ name, mtime, data }) => ({ name, mtime, data: Buffer.from(data) }));
}
