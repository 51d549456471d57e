import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/index';

/** One error of GitHub's own schema for workflows or action metadata, at its line and column (1-based). */
export interface SchemaError {
  line: number;
  column: number;
  message: string;
}

/**
 * Validate a workflow or an action.yml against the schema GitHub's own
 * parser uses (`@actions/workflow-parser`: the language service behind the
 * VS Code extension). It knows every key, type and `runs.using` (node24
 * included), and checks expressions' syntax.
 */
export function schemaErrors(kind: 'workflow' | 'action', name: string, content: string): SchemaError[] {
  const file = { name, content };
  const result = kind === 'workflow' ? parseWorkflow(file, new NoOperationTraceWriter()) : parseAction(file, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => ({
    line: e.range?.start.line ?? 1,
    column: e.range?.start.column ?? 1,
    // rawMessage has no "file (Line: n, Col: m): " prefix: the problem carries the place.
    message: e.rawMessage,
  }));
}
