"""The factory Word templates. In an installed reportgen this folder is the package `reportgen.factory`
(see setup.py), so the templates travel with the code; in a checkout it is read where it stands."""
