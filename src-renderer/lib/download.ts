/** Save bytes as a file the way a browser does (Electron shows its save dialog for the same anchor). */
export function downloadBytes(fileName: string, bytes: Uint8Array, type = 'application/octet-stream'): void {
  const blob = new Blob([bytes.slice().buffer], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke after the download has started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
