// A manifest-only JAR, written without the JDK's `jar` tool (a JRE is all the emulators need).

import fs from 'node:fs';

/** A JAR manifest: lines are limited to 72 bytes, longer values continue on lines starting with a space. */
export function manifestText(attributes) {
  const lines = [];
  for (const [key, value] of Object.entries(attributes)) {
    let rest = `${key}: ${value}`; // ASCII only: the Class-Path is a percent-encoded URL
    lines.push(rest.slice(0, 72));
    for (rest = rest.slice(72); rest.length > 0; rest = rest.slice(71)) lines.push(` ${rest.slice(0, 71)}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => (buf.reduce((c, b) => CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;

/** Writes a zip of uncompressed entries, so that no JDK `jar` tool is needed (a JRE is enough). */
function writeStoredZip(file, entries) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4); // version needed: 1.0
    local.writeUInt16LE(0x21, 12); // DOS date 1980-01-01, time 00:00
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(10, 6);
    header.writeUInt16LE(0x21, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(data.length, 20);
    header.writeUInt32LE(data.length, 24);
    header.writeUInt16LE(nameBuf.length, 28);
    header.writeUInt32LE(offset, 42);
    parts.push(local, nameBuf, data);
    central.push(header, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  fs.writeFileSync(file, Buffer.concat([...parts, ...central, end]));
}

/** Writes a JAR that holds nothing but a manifest with `attributes`; returns the manifest text. */
export function writeManifestJar(file, attributes) {
  const manifest = manifestText(attributes);
  writeStoredZip(file, [{ name: 'META-INF/MANIFEST.MF', data: Buffer.from(manifest, 'utf8') }]);
  return manifest;
}
