"""Build hook: ship the reference data inside the package (configuration is in pyproject.toml).

data/ stays at the repository root, where the data scripts and editors keep it. An installed
package (``pip install .``, a wheel, a container image) finds no repository, so the build copies
data/ to ``ecozone/_data``; an editable install (``make run``) reads data/ in place.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class build_py_with_data(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "ecozone" / "_data"
        shutil.copytree(ROOT / "data", target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))


setup(cmdclass={"build_py": build_py_with_data})
