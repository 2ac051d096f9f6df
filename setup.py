"""The one packaging fact pyproject.toml cannot state: which packages go in the wheel.

``[tool.setuptools.packages.find]`` finds only packages under ``generator/``;
a package mapped from elsewhere by ``package-dir`` (``templates/`` as
``generator._templates``) is not found, and ``packages`` cannot be both a
search and a list. So the search runs here and the mapped package is added.
Everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup  # type: ignore[import-untyped]

setup(
    packages=[
        *find_packages(include=["generator", "generator.*"]),
        "generator._templates",
    ]
)
