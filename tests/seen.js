// What a reader sees of a page's blocks, measured in the browser (tests/test_browser_pages.py).
//
// Called as a Playwright function with {python: [languages], notebook: bool, minText: px,
// minContrast: ratio, minFigure: px, labels: [selectors]}. Returns {found, problems}: `found` lists the
// blocks the page shows (their kinds and, for outputs, the text a reader reads there),
// `problems` every way a block is not on the screen for the reader to read.
//
// A block is seen when its box is laid out with a size, inside the page (not positioned off
// it), not clipped away by an element around it, not covered by another, drawn at full
// opacity with no transform, filter, mask or clip, and each piece of its text is visible,
// at least `minText` px tall, inside its box and at least `minContrast` against the
// background it is drawn on. A block inside a collapsed <details> or a tab not yet chosen
// is measured as the reader sees it after opening that <details> or choosing that tab,
// whose title must be seen too.
async ({python, notebook, minText, minContrast, minFigure, labels}) => {
  const problems = [];
  const article = document.querySelector('article');
  const VISIBLE = {opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true};
  const html = document.documentElement;
  const name = el => {
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    return el.tagName.toLowerCase() + cls;
  };
  const snippet = el => (el.textContent || el.getAttribute('src') || '').trim().split('\n')[0].slice(0, 50);

  // Colours: rgba() strings as [r, g, b, a]; contrast as WCAG defines it.
  const rgba = text => {
    const m = text.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const v = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
  };
  const over = (top, below) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + below[i] * (1 - a)).concat([1]);
  };
  const luminance = c => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  // The colour behind an element's text: its own background and those of the elements
  // around it, down to the first opaque one (the canvas is white). A background picture
  // or gradient behind text cannot be judged: it is refused.
  const backgrounds = new Map();
  const background = el => {
    if (backgrounds.has(el)) return backgrounds.get(el);
    let result;
    if (!el || el.nodeType !== 1) {
      result = [255, 255, 255, 1];
    } else {
      const style = getComputedStyle(el);
      if (style.backgroundImage !== 'none') {
        result = null;
      } else {
        const own = rgba(style.backgroundColor);
        if (!own) result = null;  // a colour space the check does not read: refused
        else if (own[3] >= 1) result = own;
        else {
          const below = background(el.parentElement);
          result = below && (own[3] > 0 ? over(own, below) : below);
        }
      }
    }
    backgrounds.set(el, result);
    return result;
  };

  // Properties that change how an element and everything in it is drawn: on a block and
  // on every element around it, only the values that draw it as laid out.
  const PLAIN = {
    opacity: '1', transform: 'none', scale: 'none', rotate: 'none', translate: 'none',
    filter: 'none', backdropFilter: 'none', mixBlendMode: 'normal', clipPath: 'none',
    maskImage: 'none', zoom: '1', visibility: 'visible', webkitTextSecurity: 'none',
    writingMode: 'horizontal-tb', direction: 'ltr', perspective: 'none',
  };
  const altered = new Map();
  const alteration = el => {
    if (!altered.has(el)) {
      const style = getComputedStyle(el);
      const found = Object.entries(PLAIN).filter(([p, v]) => style[p] !== undefined && style[p] !== v)
        .map(([p]) => `${p.replace(/[A-Z]/g, c => '-' + c.toLowerCase()).replace(/^webkit/, '-webkit')}: ${style[p]}`);
      if (style.clip !== 'auto' && style.clip !== '') found.push(`clip: ${style.clip}`);
      if (style.unicodeBidi !== 'normal' && style.unicodeBidi !== 'isolate') found.push(`unicode-bidi: ${style.unicodeBidi}`);
      altered.set(el, found);
    }
    return altered.get(el);
  };

  // Make a block reachable as a reader reaches it: open the <details> it is in, choose the
  // tab it is in. The <summary> or tab label must itself be seen.
  const reach = (el, where) => {
    for (let a = el.parentElement; a && a !== article; a = a.parentElement) {
      if (a.tagName === 'DETAILS') {
        a.open = true;
        const summary = a.querySelector(':scope > summary');
        if (!summary) problems.push(`${where}: in a <details> with no title to open it by`);
        else pending.push([summary, 'the title of the <details> it is in: ' + where]);
      }
      if (a.parentElement && a.parentElement.matches('.tabbed-content') &&
          a.parentElement.parentElement.matches('.tabbed-set')) {
        const set = a.parentElement.parentElement;
        const index = [...a.parentElement.children].indexOf(a);
        const input = set.querySelectorAll(':scope > input')[index];
        const label = input && set.querySelector(`:scope > .tabbed-labels > label[for="${input.id}"]`);
        if (!label) problems.push(`${where}: in a tab with no title to choose it by`);
        else {
          if (!input.checked) {
            input.checked = true;
            // The theme eases a tab title's colour: measure it as it ends.
            getComputedStyle(label).color;
            document.getAnimations().filter(x => x.effect && x.effect.getComputedTiming().endTime !== Infinity)
              .forEach(x => x.finish());
          }
          pending.push([label, 'the title of the tab it is in: ' + where]);
        }
      }
    }
  };
  const pending = [];


  // The box of `el` as the reader can see it: problems found, in words.
  const boxProblems = el => {
    const found = [];
    const r = el.getBoundingClientRect();
    if (!(r.width >= 1 && r.height >= 1)) return [`no box on the screen (${r.width} x ${r.height} px)`];
    if (!el.checkVisibility(VISIBLE)) found.push('not visible (checkVisibility)');
    // Inside the page: what runs off to the right must be inside something that scrolls
    // sideways (a wide figure on a phone), which must itself show a real part of it (below).
    const docWidth = Math.max(html.scrollWidth, html.clientWidth);
    const docHeight = Math.max(html.scrollHeight, html.clientHeight);
    const left = r.left + scrollX, top = r.top + scrollY;
    let scrolls = false;
    for (let a = el.parentElement; a && a !== html; a = a.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) scrolls = true;
    }
    if (left < -1 || top < -1 || (!scrolls && left + r.width > docWidth + 1) || top + r.height > docHeight + 1)
      found.push(`outside the page (at ${Math.round(left)}, ${Math.round(top)})`);
    for (let a = el; a; a = a.parentElement) {
      const changed = alteration(a);
      if (changed.length) found.push(`${a === el ? 'drawn' : 'inside ' + name(a)} with ${changed.join(', ')}`);
      if (a === el || a === html || a === document.body) continue;
      const style = getComputedStyle(a);
      const box = a.getBoundingClientRect();
      const inner = {left: box.left + a.clientLeft, top: box.top + a.clientTop};
      for (const [axis, start, size, clientSize] of [
          ['X', 'left', 'width', 'clientWidth'], ['Y', 'top', 'height', 'clientHeight']]) {
        const overflow = style['overflow' + axis];
        if (overflow === 'visible') continue;
        const from = inner[start], to = from + a[clientSize];
        const rFrom = r[start], rTo = r[start] + r[size];
        if (overflow === 'hidden' || overflow === 'clip') {
          if (rFrom < from - 1 || rTo > to + 1) found.push(`cut off by ${name(a)} (overflow-${axis.toLowerCase()}: ${overflow})`);
        } else if (rFrom < from - 1 || (axis === 'Y' && rTo > box.bottom + 1) ||
                   (axis === 'X' && a[clientSize] + 1 < Math.min(r[size], 40))) {
          // A box may scroll sideways inside another, but must start inside it, and what
          // it scrolls in must show a real part of it; none scrolls up and down (but by the
          // height of the scroll bar below it).
          found.push(`out of view in ${name(a)} (overflow-${axis.toLowerCase()}: ${overflow}; ${Math.round(rFrom)}-${Math.round(rTo)} in ${Math.round(from)}-${Math.round(to)})`);
        }
      }
    }
    return found;
  };

  const FIRST = ['color', 'webkitTextFillColor', 'fontSize', 'visibility', 'opacity', 'textShadow',
                 'letterSpacing', 'textDecorationLine', 'fontFamily', 'lineHeight'];
  const firsts = new Map();
  // Every piece of text in `el`: visible, readable and inside the block.
  const textProblems = (el, box) => {
    const found = new Set();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    const blockBox = box.getBoundingClientRect();
    const checkedStyle = new Map();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.data.replace(/\s+/g, '');
      if (!text) continue;
      const parent = node.parentElement;
      if (!checkedStyle.has(parent)) {
        const why = [];
        const style = getComputedStyle(parent);
        if (!parent.checkVisibility(VISIBLE)) why.push('not visible');
        const size = parseFloat(style.fontSize);
        if (!(size >= minText)) why.push(`font size ${style.fontSize}`);
        if (style.textShadow !== 'none') why.push(`text-shadow ${style.textShadow}`);
        if (parseFloat(style.webkitTextStrokeWidth) > 0) why.push('a text stroke');
        if (style.textEmphasisStyle !== 'none') why.push(`text-emphasis ${style.textEmphasisStyle}`);
        // Shown as written: no case or glyph forms changed (innerText sees not all of them).
        if (style.textTransform !== 'none') why.push(`text-transform ${style.textTransform}`);
        // The first line or letter of the block, or of one around it, drawn otherwise than
        // the rest.
        for (let b = parent; b; b = b.parentElement) {
          if (!firsts.has(b)) {
            const own = b === parent ? style : getComputedStyle(b);
            const differs = [];
            // A line drawn through the text by this element or one around it (decorations
            // are drawn across the text of every element inside).
            if (own.textDecorationLine !== 'none' && !(own.textDecorationLine === 'underline' &&
                parseFloat(own.textDecorationThickness) <= 2))
              differs.push(`text-decoration: ${own.textDecorationLine} ${own.textDecorationThickness}`);
            if (!own.display.startsWith('inline')) {
              for (const p of ['::first-line', '::first-letter']) {
                const first = getComputedStyle(b, p);
                differs.push(...FIRST.filter(q => first[q] !== own[q]).map(q => `${p} ${q}: ${first[q]}`));
                if (first.backgroundColor !== 'rgba(0, 0, 0, 0)') differs.push(`${p} background: ${first.backgroundColor}`);
              }
            }
            firsts.set(b, differs.length ? `${name(b)} drawn with ${differs.join(', ')}` : null);
          }
          if (firsts.get(b)) why.push(firsts.get(b));
        }
        const changed = parent === el ? [] : alteration(parent);
        if (changed.length) why.push(changed.join(', '));
        const fill = rgba(style.webkitTextFillColor) || rgba(style.color);
        const behind = background(parent);
        if (!behind) why.push(`drawn on a background whose colour cannot be judged (a picture, a gradient, ${getComputedStyle(parent).backgroundColor})`);
        else if (!fill) why.push(`a colour the check does not read: ${style.color}`);
        else {
          const ratio = contrast(over(fill, behind), behind);
          if (ratio < minContrast - 0.02) why.push(`contrast ${ratio.toFixed(2)}:1 (${style.webkitTextFillColor} on rgb(${behind.slice(0, 3).map(Math.round)}))`);
        }
        checkedStyle.set(parent, why);
      }
      const why = [...checkedStyle.get(parent)];
      range.selectNodeContents(node);
      const rects = [...range.getClientRects()].filter(q => q.width > 0 || q.height > 0);
      const chars = node.data.replace(/\n/g, '').length;
      const width = rects.reduce((sum, q) => sum + q.width, 0);
      if (!rects.length) why.push('no box');
      else if (Math.min(...rects.map(q => q.height)) < minText) why.push(`drawn ${Math.min(...rects.map(q => q.height)).toFixed(1)} px tall`);
      else if (width < chars * minText * 0.4) why.push(`drawn ${(width / chars).toFixed(1)} px wide a character`);
      // Inside the block: text may run off to the right where the block scrolls, never
      // above, below or to the left of it.
      for (const q of rects) {
        if (q.left < blockBox.left - 1 || q.top < blockBox.top - 1 || q.bottom > blockBox.bottom + 1) {
          why.push(`outside its block (at ${Math.round(q.left - blockBox.left)}, ${Math.round(q.top - blockBox.top)} px)`);
          break;
        }
      }
      if (why.length) found.add(`text ${JSON.stringify(node.data.trim().slice(0, 30))}: ${why.join('; ')}`);
      if (found.size >= 3) break;
    }
    return [...found];
  };

  // What is drawn on top at each piece of the block's text (or the middle of its picture):
  // the block, or nothing that paints. Every element is made to take part in hit testing for this
  // (`pointer-events: none` would otherwise let a cover through).
  const paints = e => {
    if (!e.checkVisibility({opacityProperty: true, visibilityProperty: true})) return false;
    const s = getComputedStyle(e);
    if (['IMG', 'SVG', 'svg', 'CANVAS', 'VIDEO', 'INPUT', 'IFRAME', 'OBJECT', 'EMBED', 'TEXTAREA', 'SELECT', 'BUTTON'].includes(e.tagName)) return true;
    const bg = rgba(s.backgroundColor);
    if ((bg && bg[3] > 0) || s.backgroundImage !== 'none' || s.boxShadow !== 'none') return true;
    if (['Top', 'Right', 'Bottom', 'Left'].some(side => parseFloat(s[`border${side}Width`]) > 0)) return true;
    if ([...e.childNodes].some(n => n.nodeType === 3 && n.data.trim())) return true;
    return ['::before', '::after'].some(p => !['none', 'normal'].includes(getComputedStyle(e, p).content));
  };
  // A point in each piece of text, or the middle of a picture.
  const points = (el, box) => {
    const found = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    const limit = box.getBoundingClientRect();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.data.trim()) continue;
      range.selectNodeContents(node);
      for (const q of range.getClientRects()) {
        if (q.width > 0 && q.left < limit.right - 4) {
          found.push({x: q.left + Math.min(q.width / 2, 4) + scrollX, y: q.top + q.height / 2 + scrollY,
                      target: node.parentElement});
        }
      }
    }
    if (!found.length) {
      // The middle of what shows of it, where it scrolls inside another box.
      const r = el.getBoundingClientRect();
      let [left, right] = [r.left, r.right];
      for (let a = el.parentElement; a && a !== html; a = a.parentElement) {
        if (getComputedStyle(a).overflowX === 'visible') continue;
        const b = a.getBoundingClientRect();
        left = Math.max(left, b.left + a.clientLeft);
        right = Math.min(right, b.left + a.clientLeft + a.clientWidth);
      }
      found.push({x: (left + right) / 2 + scrollX, y: r.top + r.height / 2 + scrollY, target: el});
    }
    return found;
  };
  let forced = false;
  const coveredBy = (el, box) => {
    if (!forced) {
      for (const e of document.querySelectorAll('body, body *')) e.style.setProperty('pointer-events', 'auto', 'important');
      forced = true;
    }
    for (const {x, y, target} of points(el, box)) {
      // Scrolled to (clear of the theme's header), only when off the screen.
      if (x - scrollX < 0 || x - scrollX > innerWidth || y - scrollY < 80 || y - scrollY > innerHeight - 10)
        window.scrollTo(x - innerWidth / 2, y - innerHeight / 3);
      const vx = x - scrollX, vy = y - scrollY;
      if (vx < 0 || vy < 0 || vx > innerWidth || vy > innerHeight) continue;  // checked above
      for (const hit of document.elementsFromPoint(vx, vy)) {
        if (hit === target || target.contains(hit)) break;
        // Above the text: only what draws nothing there, or the theme's copy button.
        if (!paints(hit)) continue;
        if (hit.matches('.md-code__nav, .md-code__nav *, .zeroclipboard-container, .zeroclipboard-container *')) continue;
        return `covered by ${name(hit)} at (${Math.round(x)}, ${Math.round(y)})`;
      }
    }
    return null;
  };

  // The blocks, in page order.
  const blocks = [];
  const languageOf = pre => {
    const div = pre.closest('div.highlight');
    if (!div || !article.contains(div)) return null;
    const langs = [...div.classList].filter(c => c.startsWith('language-')).map(c => c.slice(9));
    return langs.join(',') || null;
  };
  if (notebook) {
    const cells = [...article.querySelectorAll('.jp-Cell')].filter(c => !c.querySelector('.jp-Cell'));
    for (const cell of cells) {
      const code = cell.classList.contains('jp-CodeCell');
      blocks.push({kind: code ? 'cell' : 'markdown cell', el: cell, box: cell, text: false});
      if (!code) continue;
      const input = cell.querySelector('.jp-InputArea .highlight-ipynb pre');
      if (input) blocks.push({kind: 'cell code', el: input, box: input.parentElement});
      for (const out of cell.querySelectorAll('.jp-OutputArea-output')) {
        const img = out.querySelector('img');
        const isFigure = out.dataset.mimeType === 'image/svg+xml';
        blocks.push({kind: isFigure ? 'cell figure' : 'cell output', el: isFigure ? (img || out) : out,
                     box: out, label: out});
      }
    }
    for (const pre of article.querySelectorAll('pre')) {
      if (!pre.closest('.jp-Cell')) blocks.push({kind: 'other', el: pre, box: pre});
      else if (pre.closest('.jp-MarkdownCell')) blocks.push({kind: 'markdown cell code', el: pre, box: pre});
    }
  } else {
    for (const el of article.querySelectorAll('pre, img')) {
      if (el.tagName === 'IMG') {
        blocks.push({kind: 'figure', el, box: el});
        continue;
      }
      const lang = languageOf(el);
      const kind = lang === 'output' ? 'output' : python.includes(lang) ? 'python' : 'other';
      blocks.push({kind, el, box: el, label: kind === 'output' ? el.closest('div.highlight') : null});
    }
  }

  // Pictures load as the reader nears them: load them all now.
  const images = [...article.querySelectorAll('img')];
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.decode().catch(() => null)));

  // Text a style adds: only the Output label, where extra.css draws it.
  const added = (block, el) => {
    const extra = [];
    for (const e of [block.label || el, ...el.querySelectorAll('*')]) {
      for (const p of ['::before', '::after', '::marker']) {
        const content = getComputedStyle(e, p).content;
        if (['none', 'normal', '""'].includes(content)) continue;
        if (e === block.label && p === '::before' && content === '"Output"' && labels.some(s => e.matches(s))) continue;
        extra.push(`${name(e)}${p} { content: ${content} }`);
      }
    }
    return extra;
  };

  const found = [];
  for (const block of blocks) {
    const where = `${block.kind} ${found.length + 1} (${JSON.stringify(snippet(block.el))})`;
    reach(block.el, where);
    const entry = {kind: block.kind};
    const why = boxProblems(block.el);
    if (block.el.tagName === 'IMG') {
      const img = block.el, drawn = img.getBoundingClientRect();
      if (!(img.complete && img.naturalWidth > 0)) why.push('the picture is not drawn');
      else if (drawn.width + 1 < Math.min(img.naturalWidth, minFigure) ||
               Math.abs(drawn.width / drawn.height / (img.naturalWidth / img.naturalHeight) - 1) > 0.05)
        why.push(`drawn ${Math.round(drawn.width)} x ${Math.round(drawn.height)} px (the picture is ${img.naturalWidth} x ${img.naturalHeight})`);
      if (getComputedStyle(block.el).objectPosition !== '50% 50%' || !['fill', 'contain'].includes(getComputedStyle(block.el).objectFit))
        why.push('the picture is moved inside its box');
    } else if (block.text !== false) {
      why.push(...textProblems(block.el, block.box));
    }
    if (block.kind.endsWith('output')) {
      const pre = block.el.tagName === 'PRE' ? block.el : block.el.querySelector('pre') || block.el;
      const extra = added(block, pre);
      why.push(...extra.map(x => `a style adds text: ${x}`));
      entry.text = pre.innerText;
    }
    if (!why.length && !block.kind.match(/^(markdown )?cell$/)) {
      const cover = coveredBy(block.el, block.box);
      if (cover) why.push(cover);
    }
    while (pending.length) {
      const [title, titleWhere] = pending.shift();
      const titleWhy = [...boxProblems(title), ...textProblems(title, title)];
      if (titleWhy.length) problems.push(`${titleWhere}: ${titleWhy.join('; ')}`);
    }
    if (why.length) problems.push(`${where}: ${why.join('; ')}`);
    found.push(entry);
  }
  window.scrollTo(0, 0);
  return {found, problems};
}
