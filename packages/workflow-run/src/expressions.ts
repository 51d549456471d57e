/**
 * `${{ }}` as GitHub evaluates it, with GitHub's own evaluator
 * (`@actions/expressions`, the expression engine of the Actions language
 * service): lexer, parser, operators, coercions, contexts and the functions
 * contains, startsWith, endsWith, format, join, toJSON, fromJSON and case.
 * What it leaves to the runner, and this file adds: the status functions
 * (success, failure, cancelled, always), the implicit `success() &&` of an
 * `if:` that calls none, and templates (text around `${{ }}`, coerced to
 * strings; a value that is one whole expression keeps its type).
 */
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';

type ExpressionData = data.ExpressionData;

/** What the status functions answer where the expression is evaluated (a step, or a job's `if`). */
export interface StatusFunctions {
  success: () => boolean;
  failure: () => boolean;
  cancelled: () => boolean;
}

/** Contexts by name (github, inputs, needs, matrix, steps, job, runner, env, secrets, strategy, vars, jobs): plain JSON values. */
export type Contexts = Record<string, unknown>;

const STATUS_NAMES = ['success', 'failure', 'cancelled', 'always'] as const;

/** Plain JSON (undefined dropped) as the evaluator's data. */
export function toData(value: unknown): ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as ExpressionData;
}

/** The evaluator's data as plain JSON. */
export function fromData(value: ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer)) as unknown;
}

function functionsOf(status: StatusFunctions) {
  const fn = (name: string, call: () => boolean) => ({ name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(call()) });
  return [fn('success', status.success), fn('failure', status.failure), fn('cancelled', status.cancelled), fn('always', () => true)];
}

/** Evaluate one expression (without `${{ }}`). An unknown context or function, or bad syntax, throws. */
export function evaluateExpression(expression: string, contexts: Contexts, status?: StatusFunctions): ExpressionData {
  const funcs = status ? functionsOf(status) : [];
  const tokens = new Lexer(expression).lex().tokens;
  const tree = new Parser(tokens, Object.keys(contexts), funcs).parse();
  const dictionary = new data.Dictionary(...Object.entries(contexts).map(([key, value]) => ({ key, value: toData(value) })));
  return new Evaluator(tree, dictionary, new Map(funcs.map((f) => [f.name.toLowerCase(), f]))).evaluate();
}

const WHOLE = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/;
const ANY = /\$\{\{([\s\S]*?)\}\}/g;

/**
 * A value of a workflow as the runner sees it: a string that is one whole
 * `${{ }}` keeps the expression's type (a number, an object from fromJSON);
 * other strings get each `${{ }}` coerced to text; objects and lists are
 * evaluated member by member; keys are never evaluated.
 */
export function evaluateValue(value: unknown, contexts: Contexts, status?: StatusFunctions): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole && !(whole[1] as string).includes('}}')) return fromData(evaluateExpression(whole[1] as string, contexts, status));
    return value.replace(ANY, (_m, expr: string) => evaluateExpression(expr, contexts, status).coerceString());
  }
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, contexts, status));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, evaluateValue(v, contexts, status)]));
  }
  return value;
}

/** A value evaluated to text (as `with:` inputs and `env:` values reach a step). */
export function evaluateText(value: unknown, contexts: Contexts, status?: StatusFunctions): string {
  const v = evaluateValue(value, contexts, status);
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return toData(v).coerceString();
  return String(v);
}

/**
 * An `if:` as GitHub reads it: with or without `${{ }}`; when it calls no
 * status function it is `success() && (...)`. Absent: `success()`.
 */
export function evaluateCondition(condition: unknown, contexts: Contexts, status: StatusFunctions): boolean {
  if (condition === undefined || condition === null || condition === '') return status.success();
  if (typeof condition === 'boolean') return status.success() && condition;
  const text = String(condition).trim();
  const whole = WHOLE.exec(text);
  const expression = whole ? (whole[1] as string) : text;
  const callsStatus = STATUS_NAMES.some((name) => new RegExp(`(^|[^\\w.-])${name}\\s*\\(`, 'i').test(expression.replace(/'(?:[^']|'')*'/g, "''")));
  const result = evaluateExpression(callsStatus ? expression : `success() && (${expression})`, contexts, status);
  return truthy(result);
}

/** GitHub's truthiness: false, 0, -0, '', null and NaN are false; everything else (objects, arrays) is true. */
export function truthy(value: ExpressionData): boolean {
  switch (value.kind) {
    case data.Kind.Null:
      return false;
    case data.Kind.Boolean:
      return (value as data.BooleanData).value;
    case data.Kind.Number: {
      const n = value.number();
      return n !== 0 && !Number.isNaN(n);
    }
    case data.Kind.String:
      return value.coerceString() !== '';
    default:
      return true;
  }
}
