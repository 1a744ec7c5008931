import { Fragment, type ReactNode } from "react";
import { parseMarkdown, type Block, type Inline } from "@/lib/markdown/parse";
import { safeHref, safeImageSrc } from "@/lib/markdown/urls";

export interface MarkdownOptions {
  /** Origins images may load from (the Trellis origin); others become links. */
  imageOrigins: readonly string[];
  /** Renders a citation marker `[n]`; without it (or for an unknown n) the marker stays text. */
  cite?: (index: number) => ReactNode | null;
}

const LINK_REL = "noopener noreferrer nofollow";

/**
 * Model output as React elements (C16). Every element comes from a fixed list, every text is a
 * React text node (escaped by React), and the only attributes taken from the output are link
 * and image URLs after safeHref/safeImageSrc — there is no dangerouslySetInnerHTML anywhere.
 * @example <Markdown text={answer} options={{ imageOrigins: [location.origin] }} />
 */
export function Markdown({ text, options }: { text: string; options: MarkdownOptions }) {
  return <>{blocks(parseMarkdown(text), options)}</>;
}

function blocks(list: Block[], o: MarkdownOptions): ReactNode[] {
  return list.map((block, i) => {
    switch (block.type) {
      case "paragraph":
        return <p key={i}>{inlines(block.children, o)}</p>;
      case "heading": {
        // Answers sit under the page's own headings: # becomes h3 at most.
        const Tag = (["h3", "h4", "h5", "h6", "h6", "h6"] as const)[block.level - 1];
        return <Tag key={i}>{inlines(block.children, o)}</Tag>;
      }
      case "code":
        return (
          <pre key={i} data-lang={block.lang || undefined}>
            <code>{block.text}</code>
          </pre>
        );
      case "list": {
        const items = block.items.map((item, k) => <li key={k}>{blocks(item, o)}</li>);
        return block.ordered ? (
          <ol key={i} start={block.start === 1 ? undefined : block.start}>
            {items}
          </ol>
        ) : (
          <ul key={i}>{items}</ul>
        );
      }
      case "blockquote":
        return <blockquote key={i}>{blocks(block.children, o)}</blockquote>;
      case "table":
        return (
          <div key={i} className="md-table">
            <table>
              <thead>
                <tr>
                  {block.header.map((cell, c) => (
                    <th key={c} style={block.align[c] ? { textAlign: block.align[c]! } : undefined}>
                      {inlines(cell, o)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {block.rows.map((row, r) => (
                  <tr key={r}>
                    {row.map((cell, c) => (
                      <td key={c} style={block.align[c] ? { textAlign: block.align[c]! } : undefined}>
                        {inlines(cell, o)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      case "hr":
        return <hr key={i} />;
    }
  });
}

function inlines(list: Inline[], o: MarkdownOptions): ReactNode[] {
  return list.map((node, i) => {
    switch (node.type) {
      case "text":
        return <Fragment key={i}>{node.text}</Fragment>;
      case "break":
        return <br key={i} />;
      case "strong":
        return <strong key={i}>{inlines(node.children, o)}</strong>;
      case "em":
        return <em key={i}>{inlines(node.children, o)}</em>;
      case "del":
        return <del key={i}>{inlines(node.children, o)}</del>;
      case "code":
        return <code key={i}>{node.text}</code>;
      case "cite":
        return <Fragment key={i}>{o.cite?.(node.index) ?? `[${node.index}]`}</Fragment>;
      case "link": {
        const href = safeHref(node.href);
        if (!href) return <Fragment key={i}>{inlines(node.children, o)}</Fragment>;
        return (
          <a key={i} href={href} target="_blank" rel={LINK_REL}>
            {inlines(node.children, o)}
          </a>
        );
      }
      case "image": {
        const src = safeImageSrc(node.src, o.imageOrigins);
        if (src) return <img key={i} src={src} alt={node.alt} loading="lazy" referrerPolicy="no-referrer" />;
        const href = safeHref(node.src);
        const label = node.alt || node.src;
        // Not loaded: a third-party image would send the reader's request (and whatever the
        // model put in its URL) to that host. Shown as a link the reader may choose to open.
        return href ? (
          <a key={i} href={href} target="_blank" rel={LINK_REL} className="md-image-link" title={href}>
            {label}
          </a>
        ) : (
          <Fragment key={i}>{label}</Fragment>
        );
      }
    }
  });
}
