"""reportgen: committee reports and annual QA reports from YAML content and Word templates."""

__version__ = "0.1.0"
