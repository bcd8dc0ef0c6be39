# PyInstaller runtime hook (build_installer.spec): the frozen app ships pi_heif, the decoder-only
# build of pillow-heif (same API, same libheif, without the 23 MB x265 encoder). Code that imports
# pillow_heif by name (the window's preview) gets pi_heif, on first import only, so start-up does
# not load libheif. The app never saves HEIF.
import importlib
import importlib.abc
import importlib.util
import sys


class _PillowHeifIsPiHeif(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        if name == "pillow_heif" or name.startswith("pillow_heif."):
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        return importlib.import_module("pi_heif" + spec.name[len("pillow_heif"):])

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, _PillowHeifIsPiHeif())
