"""What a browser offers of the stage's hand-offs and the system's ways in, beside what the
page made of it: one script for every engine's tests."""

HAND_OFF_SUPPORT = """return {
  imageClipboard: !!(navigator.clipboard && navigator.clipboard.write && window.ClipboardItem
                     && (!ClipboardItem.supports || ClipboardItem.supports('image/png'))),
  shareFiles: !!(navigator.canShare
                 && navigator.canShare({files: [new File([], 'a.png', {type: 'image/png'})]})),
  launchQueue: 'launchQueue' in window,
  copyButton: document.querySelector('[data-stage-copy]').dataset.supported,
  copyTitle: document.querySelector('[data-stage-copy]').title,
  shareButton: !document.querySelector('[data-stage-share]').hidden,
};"""
