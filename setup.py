"""Packaging that pyproject.toml cannot say alone: the factory Word templates live at the top of the
project, in report_templates/ (where template authors find them), and ship inside the package as
`reportgen.factory`, so an installed reportgen builds reports without a checkout."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["reportgen", "reportgen.*"]) + ["reportgen.factory"],
    package_dir={"reportgen.factory": "report_templates"},
    package_data={"reportgen.factory": ["*.docx", "*.yaml", "*.yml", "*.png",
                                        "*/*.docx", "*/*.yaml"],  # house formats in subfolders
                  "reportgen.features.editor": ["static/*.*", "static/vendor/*.*"]},
)
