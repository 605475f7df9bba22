# See setup.cfg for the metadata and why there is no pyproject.toml.
from setuptools import setup

setup()
