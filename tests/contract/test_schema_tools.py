"""The schema passes the tools client developers run on it: a validator, a linter and two
TypeScript generators whose output compiles under ``tsc --strict``."""

import json
import shutil

import pytest

from tests.contract.conftest import HERE, SCHEMA_FILE, VENV_BIN, run

pytestmark = pytest.mark.contract

TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "es2020",
        "module": "es2020",
        "moduleResolution": "node",
        "lib": ["es2020", "dom"],
        "skipLibCheck": False,
    },
    "include": ["**/*.ts"],
}


def test_the_schema_is_valid_openapi():
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    spec, _ = read_from_filename(str(SCHEMA_FILE))
    validate(spec)  # raises with the first problem


def test_spectral_finds_no_errors_and_warns_only_about_trailing_slashes(node_bin):
    """Our paths end in a slash (Django's convention, kept for /api/v1/); nothing else may warn."""
    output = run(
        node_bin / "spectral", "lint", "--ruleset", HERE / ".spectral.yaml", "--format", "json",
        "--fail-severity", "error", SCHEMA_FILE,
    )  # fmt: skip
    findings = json.loads(output[output.index("[") :])
    others = [f"{f['code']}: {f['message']} at {'.'.join(map(str, f['path']))}" for f in findings
              if f["code"] != "path-keys-no-trailing-slash"]  # fmt: skip

    assert others == []
    assert all(f["severity"] == 1 for f in findings)  # 1: warning


def compiles(node_bin, folder):
    (folder / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    run(node_bin / "tsc", "--project", folder / "tsconfig.json", cwd=folder)


def test_openapi_typescript_types_compile_under_strict(node_bin, tmp_path):
    run(node_bin / "openapi-typescript", SCHEMA_FILE, "--output", tmp_path / "pathwise.ts")
    (tmp_path / "use.ts").write_text(
        'import type { components, operations } from "./pathwise";\n'
        'type Topic = components["schemas"]["Topic"];\n'
        'type Status = Topic["status"];\n'
        'const status: Status = null;\n'
        'type Batch = operations["me_reviews_submit_batch"]["requestBody"];\n'
        "export { status };\nexport type { Batch };\n"
    )

    compiles(node_bin, tmp_path)


def test_an_openapi_generator_typescript_fetch_client_compiles_under_strict(node_bin, tmp_path):
    if shutil.which("java") is None:
        pytest.fail("openapi-generator needs a Java runtime (Debian: default-jre-headless)")
    client = tmp_path / "client"
    run(
        VENV_BIN / "openapi-generator-cli", "generate", "--input-spec", SCHEMA_FILE, "--generator-name",
        "typescript-fetch", "--output", client, "--additional-properties", "supportsES6=true",
    )  # fmt: skip
    (client / "use.ts").write_text(
        'import { Configuration, ReviewsApi, RoadmapApi } from "./index";\n'
        'const config = new Configuration({ basePath: "http://localhost:8000", apiKey: "Token abc" });\n'
        "export const reviews = new ReviewsApi(config);\n"
        'export const topic = new RoadmapApi(config).topicsGet({ slug: "calculus" });\n'
    )

    compiles(node_bin, client)
