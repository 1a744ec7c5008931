import type { NodeTypes } from "@xyflow/react";
import { NOTE_TYPE } from "@/lib/canvas/types";
import { nodeTypes as registeredTypes } from "@/nodes";
import { BaseNode } from "./base-node";
import { NoteNode } from "./note-node";

/**
 * React Flow's node components, built once at module scope (a new object per render would
 * remount every node). Every registered type shares the generic BaseNode.
 */
export const canvasNodeTypes: NodeTypes = {
  // A type this version does not know (an imported flow) still shows, with its problem badge.
  default: BaseNode,
  ...Object.fromEntries(registeredTypes.map((type) => [type, BaseNode])),
  [NOTE_TYPE]: NoteNode,
} as NodeTypes;
