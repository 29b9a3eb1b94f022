import ast
from pathlib import Path

import exports


def test_exports_package_never_imports_the_app_or_the_pipeline():
    package = Path(exports.__file__).parent
    imported = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert not imported & {"crowd", "clustering", "opinions"}


def test_shipped_fonts_carry_their_licence():
    fonts = Path(exports.__file__).parent / "fonts"
    assert "SIL OPEN FONT LICENSE Version 1.1" in (fonts / "OFL.txt").read_text()
    sizes = sum(path.stat().st_size for path in fonts.glob("*.ttf"))
    assert sizes < 5_000_000
