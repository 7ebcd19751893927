import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, readlink, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { AwsError } from "../../../core/errors.js";
import { assertCombinedSize, buildOptDir, extractZip, MAX_UNZIPPED_BYTES } from "./zip.js";
import { makeZip, patchCentralDirectorySize, renameEntry } from "./test-helpers.js";

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), "nimbus-zip-"));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function rejectsWith(promise: Promise<unknown>, code: string, message: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AwsError);
    assert.equal(err.code, code);
    assert.equal(err.status, 400);
    assert.equal(err.message, message);
    return true;
  });
}

describe("extractZip", () => {
  test("extracts files into a directory named by the archive's SHA-256, keeping the executable bit", async () => {
    const zip = await makeZip({
      "index.js": "exports.handler = async () => 1;\n",
      "lib/util.js": "module.exports = 2;\n",
      bootstrap: { data: "#!/bin/sh\necho hi\n", mode: 0o100755 },
    });
    const out = await extractZip(zip, join(root, "code"));
    const hex = createHash("sha256").update(zip).digest("hex");
    assert.equal(out.dir, join(root, "code", hex));
    assert.equal(out.sha256Hex, hex);
    assert.equal(out.codeSha256, createHash("sha256").update(zip).digest("base64"));
    assert.equal(out.codeSize, zip.length);
    assert.equal(out.unzippedSize, 33 + 20 + 18);
    assert.equal(out.reused, false);
    assert.equal(await readFile(join(out.dir, "lib/util.js"), "utf8"), "module.exports = 2;\n");
    assert.equal((await stat(join(out.dir, "bootstrap"))).mode & 0o777, 0o755);
    assert.equal((await stat(join(out.dir, "index.js"))).mode & 0o777, 0o644);
    // The package-scope boundary that keeps a parent "type": "module" from leaking in.
    assert.equal(await readFile(join(root, "code", "package.json"), "utf8"), "{}\n");
  });

  test("reuses the directory for the same archive", async () => {
    const zip = await makeZip({ "a.py": "x = 1\n" });
    const first = await extractZip(zip, join(root, "code"));
    const second = await extractZip(zip, join(root, "code"));
    assert.equal(second.dir, first.dir);
    assert.equal(second.reused, true);
    const [a, b] = await Promise.all([extractZip(zip, join(root, "race")), extractZip(zip, join(root, "race"))]);
    assert.equal(a.dir, b.dir);
    assert.equal(await readFile(join(a.dir, "a.py"), "utf8"), "x = 1\n");
  });

  test("keeps symbolic links", async () => {
    const zip = await makeZip({ "real.txt": "data", "link.txt": { data: "real.txt", mode: 0o120777 } });
    const out = await extractZip(zip, join(root, "code"));
    assert.equal(await readlink(join(out.dir, "link.txt")), "real.txt");
    assert.equal(await readFile(join(out.dir, "link.txt"), "utf8"), "data");
  });

  test("refuses entries that escape the archive root", async () => {
    const zip = renameEntry(await makeZip({ "aa/evil.txt": "pwned" }), "aa/evil.txt", "../evil.txt");
    await rejectsWith(
      extractZip(zip, join(root, "code")),
      "InvalidParameterValueException",
      "Could not unzip uploaded file. Please check your file, then try to upload again.",
    );
    await assert.rejects(stat(join(root, "evil.txt")));
  });

  test("refuses bytes that are not a zip", async () => {
    await rejectsWith(
      extractZip(Buffer.from("definitely not a zip archive"), join(root, "code")),
      "InvalidParameterValueException",
      "Could not unzip uploaded file. Please check your file, then try to upload again.",
    );
  });

  test("enforces the 250 MB unzipped limit with AWS's message", async () => {
    const zip = patchCentralDirectorySize(await makeZip({ "big.bin": "small" }), MAX_UNZIPPED_BYTES);
    await rejectsWith(
      extractZip(zip, join(root, "code")),
      "InvalidParameterValueException",
      "Unzipped size must be smaller than 262144000 bytes",
    );
    const justUnder = await makeZip({ "f.txt": "12345" });
    await rejectsWith(extractZip(justUnder, join(root, "code"), { maxUnzippedBytes: 5 }), "InvalidParameterValueException", "Unzipped size must be smaller than 5 bytes");
    assert.equal((await extractZip(justUnder, join(root, "code"), { maxUnzippedBytes: 6 })).unzippedSize, 5);
  });

  test("assertCombinedSize applies Lambda's function-plus-layers limit", () => {
    assert.doesNotThrow(() => assertCombinedSize(100_000_000, [100_000_000, 62_144_000]));
    assert.throws(
      () => assertCombinedSize(200_000_000, [62_144_001]),
      (err: unknown) =>
        err instanceof AwsError &&
        err.code === "InvalidParameterValueException" &&
        err.message === "Function code combined with layers exceeds the maximum allowed size of 262144000 bytes. The actual size is 262144001 bytes.",
    );
  });
});

describe("buildOptDir", () => {
  test("merges layers in order, later layers overwriting earlier files", async () => {
    const l1 = join(root, "layer1");
    const l2 = join(root, "layer2");
    await mkdir(join(l1, "nodejs/node_modules/a"), { recursive: true });
    await mkdir(join(l2, "nodejs/node_modules/b"), { recursive: true });
    await writeFile(join(l1, "nodejs/node_modules/a/index.js"), "a1");
    await writeFile(join(l1, "shared.txt"), "from layer 1");
    await writeFile(join(l2, "nodejs/node_modules/b/index.js"), "b2");
    await writeFile(join(l2, "shared.txt"), "from layer 2");
    const opt = await buildOptDir([l1, l2], join(root, "opt"));
    assert.equal(await readFile(join(opt, "nodejs/node_modules/a/index.js"), "utf8"), "a1");
    assert.equal(await readFile(join(opt, "nodejs/node_modules/b/index.js"), "utf8"), "b2");
    assert.equal(await readFile(join(opt, "shared.txt"), "utf8"), "from layer 2");
    assert.equal(await buildOptDir([l1, l2], join(root, "opt")), opt);
    const reversed = await buildOptDir([l2, l1], join(root, "opt"));
    assert.notEqual(reversed, opt);
    assert.equal(await readFile(join(reversed, "shared.txt"), "utf8"), "from layer 1");
  });
});
