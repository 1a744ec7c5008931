/**
 * The excerpts a prompt's context is made of: retrieved chunks in rank order, with neighbours of
 * one document joined into a single excerpt. Neighbouring chunks share their overlap; shown one
 * after the other they repeat it and cut the passage where a sentence may continue — an answer
 * longer than a chunk or sitting across the cut is then in no excerpt at all. Joined, the
 * excerpt reads as the document does, the overlap once. Two children of one parent (parent–child
 * mode) give their parent once.
 *
 * Each excerpt remembers which retrieved chunks it holds, in rank order, so citation numbers
 * stay those of the retrieved list: "[1][3]" is chunks 1 and 3 joined.
 * (Its effect on the eval sets: docs/benchmarks.md.)
 */

/** What a retrieved chunk must tell to be joined: the fields of the documents port. */
export interface ExcerptSource {
  text: string;
  documentId?: string;
  /** The chunk's index in its document. */
  position?: number;
  /** `start` (offset in the document) and `chunkText` (the chunk itself, when `text` is its parent). */
  metadata?: Record<string, unknown>;
}

export interface Excerpt {
  /** Indexes into the retrieved list, in rank order (the first is the excerpt's best). */
  members: number[];
  text: string;
}

interface Piece {
  position: number;
  start: number;
  text: string;
}

interface Building extends Excerpt {
  documentId: string | undefined;
  /** Chunk pieces in document order, or null for an excerpt that is a parent passage. */
  pieces: Piece[] | null;
}

/** A chunk that can be joined by offsets: its text is the chunk itself, with a known place. */
function pieceOf(hit: ExcerptSource): Piece | null {
  const start = hit.metadata?.start;
  const chunkText = hit.metadata?.chunkText;
  if (typeof start !== "number" || typeof hit.position !== "number" || !hit.documentId) return null;
  if (typeof chunkText === "string" && chunkText !== hit.text) return null;
  return { position: hit.position, start, text: hit.text };
}

/** The document text the pieces cover: overlaps once; a whitespace gap the splitter skipped as a line break. */
function joinPieces(pieces: Piece[]): string {
  let text = pieces[0].text;
  let end = pieces[0].start + pieces[0].text.length;
  for (const piece of pieces.slice(1)) {
    const pieceEnd = piece.start + piece.text.length;
    if (pieceEnd <= end) continue;
    text += piece.start <= end ? piece.text.slice(end - piece.start) : `\n${piece.text}`;
    end = pieceEnd;
  }
  return text;
}

function joins(excerpt: Building, hit: ExcerptSource, piece: Piece | null): boolean {
  if (excerpt.documentId === undefined || excerpt.documentId !== hit.documentId) return false;
  if (!piece || !excerpt.pieces) return !piece && !excerpt.pieces && excerpt.text === hit.text;
  return excerpt.pieces.some((p) => Math.abs(p.position - piece.position) <= 1);
}

/**
 * Joins retrieved chunks (best first) into excerpts, best first. With a budget, stops before the
 * excerpt text would exceed it (the first excerpt is always kept, so a context is never empty).
 * @example contextExcerpts([{ text: "第一段。", documentId: "d", position: 0, metadata: { start: 0 } }, …])
 */
export function contextExcerpts(hits: readonly ExcerptSource[], budget = Number.POSITIVE_INFINITY): Excerpt[] {
  const excerpts: Building[] = [];
  let used = 0;
  for (const [rank, hit] of hits.entries()) {
    const piece = pieceOf(hit);
    // A chunk between two retrieved ones joins both into one excerpt (the better-ranked one's).
    const joined = excerpts.filter((e) => joins(e, hit, piece));
    if (joined.length > 0) {
      const [into, ...others] = joined;
      const pieces = into.pieces && piece ? [...joined.flatMap((e) => e.pieces ?? []), piece].sort((a, b) => a.start - b.start) : into.pieces;
      const text = pieces ? joinPieces(pieces) : into.text;
      const added = text.length - joined.reduce((sum, e) => sum + e.text.length, 0);
      if (used + added > budget) break;
      used += added;
      const members = [...joined.flatMap((e) => e.members), rank].sort((a, b) => a - b);
      Object.assign(into, { pieces, text, members });
      for (const other of others) excerpts.splice(excerpts.indexOf(other), 1);
    } else {
      if (excerpts.length > 0 && used + hit.text.length > budget) break;
      used += hit.text.length;
      excerpts.push({ members: [rank], text: hit.text, documentId: hit.documentId, pieces: piece ? [piece] : null });
    }
  }
  return excerpts.map(({ members, text }) => ({ members, text }));
}
