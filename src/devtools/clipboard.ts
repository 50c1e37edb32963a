/**
 * Puts `text` on the clipboard. Uses the async Clipboard API, and where that is missing or
 * refused (no permission, not a secure context), a selected hidden textarea and the copy command.
 * Throws when neither works.
 */
export async function copyText(text: string, within: ShadowRoot): Promise<void> {
  try {
    if (!navigator.clipboard) throw new Error('no Clipboard API');
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.cssText = 'position:fixed;top:0;left:0;opacity:0;';
    within.append(area);
    area.select();
    const isCopied = document.execCommand('copy');
    area.remove();
    if (!isCopied) throw new Error('the browser refused to copy');
  }
}
