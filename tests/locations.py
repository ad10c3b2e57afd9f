"""Where things are in the repository, for tests that read real files."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CURRICULUM = ROOT / "fixtures" / "ml-roadmap.yaml"
