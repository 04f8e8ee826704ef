/** Files in and out of the page: a download of generated text, the text of a file the user picked. */

export function downloadText(name: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has started from the URL by now; free it a little later in any case.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The picked file's name and text, or null when the input holds none; the input is cleared so the same file can be picked again. */
export async function pickedText(e: Event): Promise<{ name: string; text: string } | null> {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return null;
  const text = await file.text();
  input.value = '';
  return { name: file.name, text };
}

/** A file name made of a project's name and the date. */
export function exportFileName(projectName: string): string {
  const safe = projectName.replace(/[^\w.-]+/g, '_') || 'project';
  return `${safe}-${new Date().toISOString().slice(0, 10)}.sentinel-project.json`;
}
