/* global document */
/**
 * Building the page without HTML strings: every element is created with
 * `document.createElement` and every piece of data enters as a text node or an attribute
 * value, never as markup, so a variant named `<img src=x onerror=...>` shows as those
 * characters. Every text shown (text nodes, `title`, `aria-label`) is cut for display past
 * 500 characters, with a mark (format.js `displayText`).
 */
import { displayText } from './format.js';

/** Attributes a person reads (a tooltip, a screen reader): cut like text. */
const shownAttributes = new Set(['title', 'aria-label']);

const svgNamespace = 'http://www.w3.org/2000/svg';

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(
      typeof child === 'string' || typeof child === 'number' ? displayText(String(child)) : child,
    );
  }
  return parent;
}

function setProps(element, props) {
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'on') {
      for (const [event, handler] of Object.entries(value))
        element.addEventListener(event, handler);
    } else if (name === 'dataset') {
      for (const [key, data] of Object.entries(value)) element.dataset[key] = String(data);
    } else {
      const text = value === true ? '' : String(value);
      element.setAttribute(name, shownAttributes.has(name) ? displayText(text) : text);
    }
  }
  return element;
}

/**
 * Replaces the children of an element, with the same rules as `h` (arrays flattened, `null`,
 * `undefined` and `false` skipped).
 * @param {Element} parent - the element
 * @param {...unknown} children - nodes and strings
 * @returns {Element} the element
 */
export function fill(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/**
 * An HTML element: `h('td', { class: 'num' }, text)`. Strings become text nodes; `on` holds
 * event listeners, `dataset` data attributes; `null`, `undefined` and `false` are skipped.
 * @param {string} tag - the element's name
 * @param {Record<string, unknown> | null} props - attributes, `on` and `dataset`
 * @param {...unknown} children - nodes and strings
 * @returns {HTMLElement} the element
 */
export function h(tag, props, ...children) {
  return append(setProps(document.createElement(tag), props), children);
}

/**
 * An SVG element, as `h` makes HTML ones.
 * @param {string} tag - the element's name
 * @param {Record<string, unknown> | null} props - attributes
 * @param {...unknown} children - nodes and strings
 * @returns {SVGElement} the element
 */
export function svgNode(tag, props, ...children) {
  return append(setProps(document.createElementNS(svgNamespace, tag), props), children);
}

function isNamed(value, nodeName) {
  return typeof value === 'object' && value !== null && value.nodeName === nodeName;
}

/**
 * A message for the reader: `info`, `success`, `warning` or `error` (errors and warnings are
 * announced at once by screen readers).
 * @param {'info' | 'success' | 'warning' | 'error'} kind - the kind
 * @param {...unknown} children - the text
 * @returns {HTMLElement} the paragraph
 */
export function notice(kind, ...children) {
  const role = kind === 'error' || kind === 'warning' ? 'alert' : 'status';
  return h('p', { class: `notice ${kind}`, role }, ...children);
}

/**
 * A table with a caption, a header row of `th` (scope col) and body rows; a row's first cell
 * is a row header (`th scope=row`) unless it is a cell already. Wrapped so a wide table
 * scrolls on its own.
 * @param {string} caption - what the table shows
 * @param {readonly string[]} headers - the column names
 * @param {readonly (readonly unknown[] | HTMLElement)[]} rows - cells (strings or nodes), or `tr` elements
 * @param {Record<string, unknown>} props - attributes of the table
 * @returns {HTMLElement} the wrapper
 */
export function table(caption, headers, rows, props = {}) {
  const head = h(
    'tr',
    null,
    headers.map((name) => h('th', { scope: 'col' }, name)),
  );
  const body = rows.map((row) =>
    isNamed(row, 'TR')
      ? row
      : h(
          'tr',
          null,
          row.map((cell, index) => {
            if (isNamed(cell, 'TD') || isNamed(cell, 'TH')) return cell;
            return index === 0 ? h('th', { scope: 'row' }, cell) : h('td', null, cell);
          }),
        ),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', props, h('caption', null, caption), h('thead', null, head), h('tbody', null, body)),
  );
}

/**
 * A numeric cell holding the raw value in `data-value` (for tests and copy-paste tools).
 * @param {string} text - what the cell shows
 * @param {number | null} value - the raw number
 * @param {string} name - what the cell holds, as `data-field`
 * @returns {HTMLElement} the cell
 */
export function numberCell(text, value, name) {
  return h('td', { class: 'num', dataset: { field: name, value: value ?? '' } }, text);
}
