/**
 * Checks that `xml` is one well-formed element tree (tags balanced and properly nested, attributes
 * quoted, no stray `<` or `&`); returns the problem, or undefined. Enough for the hand-written SVG.
 */
export function xmlProblem(xml: string): string | undefined {
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<\?xml[^>]*\?>|([^<]+)/gy;
  let roots = 0;
  let match: RegExpExecArray | null;
  let at = 0;
  while (at < xml.length && (match = token.exec(xml)) !== null) {
    at = token.lastIndex;
    const [, closing, name, , selfClosing, text] = match;
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text)) return `unescaped & in text "${text.trim().slice(0, 40)}"`;
      if (stack.length === 0 && text.trim() !== '') return `text outside the root element: "${text.trim().slice(0, 40)}"`;
      continue;
    }
    if (name === undefined) continue;
    if (closing) {
      const open = stack.pop();
      if (open !== name) return `</${name}> closes <${open ?? 'nothing'}>`;
    } else if (!selfClosing) {
      if (stack.length === 0) roots += 1;
      stack.push(name);
    } else if (stack.length === 0) {
      roots += 1;
    }
  }
  if (at < xml.length) return `not a tag or text at offset ${at}: "${xml.slice(at, at + 40)}"`;
  if (stack.length > 0) return `<${stack.join('> <')}> never closed`;
  if (roots !== 1) return `${roots} root elements`;
  return undefined;
}
