"""JavaScript probes run in the page by the hostile-data browser tests."""

# Every element of the document (Plotly SVG included; same-origin iframes too): attributes that
# would run script, URL attributes with a script scheme, links to the phishing host, script and
# embedding elements the app does not make itself, and LaTeX renderings.
DOM_OFFENDERS_JS = r"""() => {
    const out = [];
    const URL_ATTRS = ['href', 'xlink:href', 'src', 'action', 'formaction', 'data', 'srcdoc', 'poster', 'background', 'lowsrc'];
    const bad = v => { const s = (v || '').replace(/[\s\u0000-\u001f]+/g, '').toLowerCase();
        return s.startsWith('javascript:') || s.startsWith('vbscript:') || s.startsWith('data:text/html'); };
    const docs = [document];
    for (const f of document.querySelectorAll('iframe')) { try { if (f.contentDocument) docs.push(f.contentDocument); } catch (e) {} }
    for (const doc of docs) {
        for (const el of doc.querySelectorAll('*')) {
            const tag = el.tagName.toLowerCase();
            for (const a of el.attributes) {
                const name = a.name.toLowerCase();
                if (name.startsWith('on')) out.push(`${tag}[${name}]=${a.value.slice(0, 80)}`);
                if (URL_ATTRS.includes(name) && bad(a.value)) out.push(`${tag}[${name}]=${a.value.slice(0, 80)}`);
                if ((name === 'href' || name === 'xlink:href') && /evil\.invalid/i.test(a.value)) out.push(`link to evil host: ${tag}[${name}]=${a.value.slice(0, 80)}`);
                if (name === 'style' && /ZQ\d{3}|position:\s*fixed;\s*top:0|font-size:\s*90px/i.test(a.value)) out.push(`data-driven style: ${tag}[style]=${a.value.slice(0, 80)}`);
            }
            if (['script', 'iframe', 'object', 'embed', 'meta', 'base', 'link', 'style'].includes(tag) && /ZQ\d{3}|__pwned|evil\.invalid|canary\.invalid/.test(el.outerHTML)) {
                out.push(`injected <${tag}>: ${el.outerHTML.slice(0, 120)}`);
            }
            if (el.matches('.katex, .katex-display, mjx-container, .MathJax')) out.push(`LaTeX rendered: ${el.textContent.slice(0, 80)}`);
        }
    }
    return out;
}"""

# Text as shown (body textContent: includes SVG text and the hidden accessible tables of
# st.dataframe) and the data/layout of every Plotly chart.
PAGE_TEXT_JS = r"""() => document.querySelector('[data-testid="stApp"]')?.textContent || document.body.textContent"""
FIGURES_JS = r"""() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
    try { return JSON.stringify({data: gd.data, layout: gd.layout}); } catch (e) { return ''; }
})"""
CANARY_JS = r"""() => {
    const seen = [];
    const wins = [window, ...[...document.querySelectorAll('iframe')].map(f => { try { return f.contentWindow; } catch (e) { return null; } })];
    for (const w of wins) { try { if (w && typeof w.__pwned !== 'undefined') seen.push(String(w.__pwned)); } catch (e) {} }
    return seen;
}"""
# Dataset text inside a Plotly hovertemplate/texttemplate: a "%{...}" in the data would be
# evaluated as a template field. Data belongs in customdata/text, referenced by the template.
TEMPLATED_DATA_JS = r"""() => { const out = [];
    document.querySelectorAll('.js-plotly-plot').forEach((gd, g) => (gd.data || []).forEach((trace, t) => {
        for (const attr of ['hovertemplate', 'texttemplate']) {
            const v = trace[attr];
            (Array.isArray(v) ? v : [v]).forEach(s => {
                if (typeof s === 'string' && /ZQ\d{3}/.test(s)) out.push(`chart ${g} trace ${t} (${trace.name || ''}) ${attr}: ${s.slice(0, 120)}`);
            });
        }
    }));
    return out; }"""
