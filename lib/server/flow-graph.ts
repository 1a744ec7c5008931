import "server-only";
import { AppError } from "@/lib/errors";
import type { FlowDocument } from "@/lib/flow/schema";
import { validateFlow } from "@/lib/flow/validate";
import type { Locale } from "@/lib/i18n/locale";
import { nodeRegistry } from "@/nodes";

/**
 * Validates a flow document before it is stored. An invalid flow is refused (400) with every
 * problem, each naming its node and setting in the person's language; nothing is written.
 */
export function requireValidFlow(graph: unknown, locale: Locale): FlowDocument {
  const result = validateFlow(graph, nodeRegistry, locale);
  if (result.ok) return result.flow;
  const count = result.problems.length;
  throw new AppError(
    "invalid_flow",
    { en: `The flow has ${count} problem${count === 1 ? "" : "s"}; nothing was saved.`, zh: `流程有 ${count} 个问题，未保存。` },
    400,
    { problems: result.problems },
  );
}
