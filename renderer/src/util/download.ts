/** Offer text as a file download (the browser's save; in the desktop app, Electron's). */
export function downloadText(name: string, text: string, type = 'application/x-ndjson'): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
