/**
 * The widget's look, inside its shadow root so the host page's CSS never reaches it and its CSS
 * never reaches the host page. `C` is the theme colour, `S` the side ("right" or "left").
 */
export const css = (color: string, side: "left" | "right") => `
:host{all:initial}
*{box-sizing:border-box}
.b{position:fixed;${side}:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;background:${color};color:#fff;display:flex;align-items:center;justify-content:center;box-shadow:0 6px 20px rgba(16,24,40,.22);transition:transform .15s}
.b:hover{transform:scale(1.06)}
.b:focus-visible{outline:3px solid rgba(47,111,237,.45);outline-offset:2px}
.b svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.p{position:fixed;${side}:20px;bottom:88px;z-index:2147483000;width:400px;height:min(640px,calc(100vh - 112px));border-radius:16px;overflow:hidden;background:#fff;box-shadow:0 16px 48px rgba(16,24,40,.22);opacity:0;transform:translateY(12px);pointer-events:none;transition:opacity .18s,transform .18s}
.p.o{opacity:1;transform:none;pointer-events:auto}
.p iframe{border:0;width:100%;height:100%;display:block}
@media (max-width:480px){.p{left:0;right:0;bottom:0;top:0;width:auto;height:auto;border-radius:0}.p.o+.b{display:none}}
`;

export const ICON_CHAT = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M21 12a8 8 0 0 1-11.8 7L4 20l1.1-4.6A8 8 0 1 1 21 12z"/></svg>';
export const ICON_CLOSE = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg>';
