import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { crc32 } from "node:zlib";

/** What every entry of the zip records, whatever the machine: regular file, rw-r--r--, 1980-01-01 00:00. */
const ENTRY_MODE = 0o100644;
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION = 10; // 1.0: stored entries
const MADE_BY_UNIX = (3 << 8) | VERSION;
/** Stored, not deflated: compressed bytes would depend on the zlib of the Node.js that synthesizes. */
const STORED = 0;

/** The Lambda deployment package of a bundle folder, written next to the code it holds. */
export const ZIP_NAME = "function.zip";

/**
 * Zips every file of `dir` (but the zip itself) into `dir/function.zip`: entries in name order, stored,
 * with a fixed timestamp and mode, so the bytes, and the Lambda `source_code_hash`, depend only on the code (not on
 * the umask, the clock or the zip tool). Returns the zip's base64 SHA-256, as `source_code_hash` wants.
 */
export function zipBundle(dir: string): string {
  const names = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => name.split(path.sep).join("/"))
    .filter((name) => name !== ZIP_NAME && statSync(path.join(dir, name)).isFile())
    .sort();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const data = readFileSync(path.join(dir, name));
    const fileName = Buffer.from(name, "utf8");
    const crc = crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION, 4);
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(STORED, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    locals.push(local, fileName, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(VERSION, 6);
    central.writeUInt16LE(0, 8); // flags
    central.writeUInt16LE(STORED, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    // extra field, comment, disk number, internal attributes: all 0
    central.writeUInt32LE(ENTRY_MODE * 0x10000, 38); // external attributes: Unix mode in the high 16 bits
    central.writeUInt32LE(offset, 42);
    centrals.push(central, fileName);

    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  const zip = Buffer.concat([...locals, directory, end]);
  writeFileSync(path.join(dir, ZIP_NAME), zip);
  return createHash("sha256").update(zip).digest("base64");
}
