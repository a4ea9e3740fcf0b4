"""Every way an image gets in: the picker, a drop anywhere on the page (files or whole folders),
and paste. Each hands a list of File objects, in the user's order, to one callback."""
# __pragma__('skip')
from typing import Any, Callable, List
from backgrone.jsglobals import Promise, console, __new__
# __pragma__('noskip')

# __pragma__('skip')
FilesFn = Callable[[List[Any]], None]  # a type alias: mypy only
# __pragma__('noskip')


def carries_files(event: Any) -> bool:
    transfer = event.dataTransfer
    if not transfer or not transfer.types:
        return False
    types = transfer.types
    for i in range(types.length):
        if types[i] == "Files":
            return True
    return False


def read_batch(reader: Any) -> Any:
    """One readEntries() call as a Promise (a directory may need several)."""
    return __new__(Promise(lambda resolve, reject: reader.readEntries(resolve, reject)))


def entry_file(entry: Any) -> Any:
    return __new__(Promise(lambda resolve, reject: entry.file(resolve, reject)))


def by_name(entries: List[Any]) -> List[Any]:
    """Insertion sort by name: folders hold tens of files, and the order must not depend on
    the browser's listing order."""
    ordered: List[Any] = []
    for entry in entries:
        i = len(ordered)
        while i > 0 and ordered[i - 1].js_name > entry.js_name:
            i -= 1
        ordered.insert(i, entry)
    return ordered


async def folder_files(directory: Any, out: List[Any]) -> None:
    """Every file under a dropped folder, depth first, by name; hidden files are skipped."""
    reader = directory.createReader()
    entries: List[Any] = []
    batch = await read_batch(reader)
    while batch.length > 0:
        for i in range(batch.length):
            entries.append(batch[i])
        batch = await read_batch(reader)
    for entry in by_name(entries):
        if entry.js_name.startswith("."):
            continue
        if entry.isDirectory:
            await folder_files(entry, out)
        else:
            out.append(await entry_file(entry))


class Inputs:
    def __init__(self, document: Any, picker: Any, on_files: FilesFn) -> None:
        self.document = document
        self.picker = picker
        self.on_files = on_files
        picker.addEventListener("change", self.picked)
        # The whole page is a drop target: a user should not have to aim.
        document.addEventListener("dragenter", self.over)
        document.addEventListener("dragover", self.over)
        document.addEventListener("dragleave", self.leave)
        document.addEventListener("drop", self.drop)
        document.addEventListener("paste", self.paste)

    def picked(self, event: Any) -> None:
        files = self.picker.files
        chosen = []
        for i in range(files.length):
            chosen.append(files[i])
        self.picker.value = ""
        self.give(chosen)

    def give(self, files: List[Any]) -> None:
        if len(files) > 0:
            self.on_files(files)

    def over(self, event: Any) -> None:
        if not carries_files(event):
            return
        event.preventDefault()
        event.dataTransfer.dropEffect = "copy"
        self.document.body.classList.add("dragging")

    def leave(self, event: Any) -> None:
        # relatedTarget is null only when the pointer leaves the window.
        if not event.relatedTarget:
            self.document.body.classList.remove("dragging")

    def drop(self, event: Any) -> None:
        self.document.body.classList.remove("dragging")
        transfer = event.dataTransfer
        if not transfer:
            return
        event.preventDefault()
        loose: List[Any] = []
        folders: List[Any] = []
        items = transfer.items
        if items and items.length > 0:
            # Entries must be taken now: the DataTransfer is emptied when this handler returns.
            for i in range(items.length):
                item = items[i]
                if item.kind != "file":
                    continue
                entry = item.webkitGetAsEntry() if item.webkitGetAsEntry else None
                if entry and entry.isDirectory:
                    folders.append(entry)
                else:
                    file = item.getAsFile()
                    if file:
                        loose.append(file)
        else:
            for i in range(transfer.files.length):
                loose.append(transfer.files[i])
        self.give(loose)
        for folder in folders:
            self.walk(folder)

    def walk(self, folder: Any) -> None:
        found: List[Any] = []

        def finished(value: Any) -> None:
            self.give(found)

        def failed(error: Any) -> None:
            console.warn("backgrone: could not read the folder", folder.js_name, error)
            self.give(found)

        Promise.resolve(folder_files(folder, found)).then(finished, failed)

    def paste(self, event: Any) -> None:
        clipboard = event.clipboardData
        if not clipboard:
            return
        pasted: List[Any] = []
        for i in range(clipboard.files.length):
            pasted.append(clipboard.files[i])
        if len(pasted) == 0 and clipboard.items:
            for i in range(clipboard.items.length):
                item = clipboard.items[i]
                if item.kind == "file":
                    file = item.getAsFile()
                    if file:
                        pasted.append(file)
        if len(pasted) > 0:
            # Files only: pasting text into a text field keeps working as usual.
            event.preventDefault()
            self.give(pasted)
