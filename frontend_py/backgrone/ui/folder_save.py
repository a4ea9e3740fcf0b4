""""Save all to a folder…": where the File System Access API exists, every finished result is
written into a folder the user picks, under the names the zip uses; a name already in the folder
is replaced only when the user says so, otherwise the new file gets a free numbered name."""
# __pragma__('skip')
from typing import Any, Callable, List
from backgrone.jsglobals import console, __pragma__
# __pragma__('noskip')

from backgrone.core.errors import AnyError
from backgrone.core.output import free_names
from backgrone.ui.downloads import Downloads, error_text

# __pragma__('skip')
AnnounceFn = Callable[[str], None]  # a type alias: mypy only
IdsFn = Callable[[], List[int]]
# __pragma__('noskip')


def images(count: int) -> str:
    return str(count) + (" image" if count == 1 else " images")


async def names_in(directory: Any) -> List[str]:
    """The names of the entries in a directory handle."""
    names: List[str] = []
    entries = directory.js_keys()
    step = await entries.js_next()
    while not step.done:
        names.append(step.value)
        step = await entries.js_next()
    return names


async def write_file(directory: Any, name: str, blob: Any) -> None:
    __pragma__("jsiter")
    create = {"create": True}
    __pragma__("nojsiter")
    handle = await directory.getFileHandle(name, create)
    writable = await handle.createWritable()
    await writable.write(blob)
    await writable.close()


class FolderSave:
    def __init__(self, window: Any, button: Any, downloads: Downloads, job_ids: IdsFn,
                 announce: AnnounceFn) -> None:
        self.window = window
        self.button = button
        self.downloads = downloads
        self.job_ids = job_ids
        self.announce = announce
        # Shown only where the browser can write into a folder; elsewhere the zip is the way.
        button.hidden = not window.showDirectoryPicker
        button.addEventListener("click", lambda event: self.pick())

    async def pick(self) -> None:
        if len(self.downloads.order) == 0:
            self.announce("Nothing to save yet")
            return
        __pragma__("jsiter")
        options = {"mode": "readwrite", "id": "backgrone-cutouts"}
        __pragma__("nojsiter")
        try:
            directory = await self.window.showDirectoryPicker(options)
        except AnyError as exc:
            failure: Any = exc
            if failure.js_name != "AbortError":  # the user closed the picker
                console.warn("backgrone: no folder", exc)
                self.announce("The folder could not be opened: " + error_text(exc))
            return
        try:
            await self.save_to(directory)
        except AnyError as exc:
            console.error("backgrone: saving to the folder failed", exc)
            self.announce("Saving to the folder failed: " + error_text(exc))

    async def save_to(self, directory: Any) -> List[str]:
        """Write every current download into `directory` (a FileSystemDirectoryHandle; also
        window.backgrone.saveAllTo); returns the names written."""
        self.button.disabled = True
        try:
            files = await self.downloads.current_files(self.job_ids())
            names = files.names
            present = await names_in(directory)
            clashes = [name for name in names if name in present]
            if len(clashes) > 0:
                shown = ", ".join(clashes[:3]) + ("\u2026" if len(clashes) > 3 else "")
                replace = self.window.confirm(
                    str(len(clashes)) + " of these files are already in the folder (" + shown + "). "
                    + "Replace them? Cancel keeps them and saves the new ones under numbered names.")
                if not replace:
                    names = free_names(names, present)
            self.announce("Saving " + images(len(names)) + " to the folder\u2026")
            for i in range(len(names)):
                await write_file(directory, names[i], files.blobs[i])
        finally:
            self.button.disabled = False
        self.announce("Saved " + images(len(names)) + " to the folder " + directory.js_name)
        return names
