import { evaluateCondition, evaluateText, evaluateValue, type StatusFunctions } from './expressions';

const ok: StatusFunctions = { success: () => true, failure: () => false, cancelled: () => false };
const failed: StatusFunctions = { success: () => false, failure: () => true, cancelled: () => false };
const contexts = {
  inputs: { 'min-mirrors': '', platforms: 'linux-amd64,linux-arm64', 'max-parallel': 20, 'dry-run': false },
  needs: { plan: { result: 'success', outputs: { 'matrix-count': '2', 'matrix-1': '{"include":[{"id":"jq-linux-amd64","timeout":30}]}' } } },
  matrix: { platform: 'darwin-arm64', id: 'jq-darwin-arm64' },
  github: { repository: 'acme/tools' },
};

describe('expressions, as the runner evaluates them', () => {
  it('keeps the type of a whole expression and coerces the parts of a template to text', () => {
    expect(evaluateValue('${{ fromJSON(needs.plan.outputs.matrix-1) }}', contexts)).toEqual({ include: [{ id: 'jq-linux-amd64', timeout: 30 }] });
    expect(evaluateValue('${{ inputs.max-parallel }}', contexts)).toBe(20);
    expect(evaluateText('potions-build-${{ matrix.id }}', contexts)).toBe('potions-build-jq-darwin-arm64');
    expect(evaluateText('${{ inputs.dry-run }}', contexts)).toBe('false');
    expect(evaluateText("${{ inputs.x-group || format('potions-manifest-{0}', github.repository) }}", { ...contexts, inputs: { 'x-group': '' } })).toBe('potions-manifest-acme/tools');
    expect(evaluateText("${{ startsWith(matrix.platform, 'darwin') && '11.0' || '' }}", contexts)).toBe('11.0');
    expect(() => evaluateValue('${{ nope.x }}', contexts)).toThrow();
  });

  it('an if without a status function is success() && (...); with one it is taken as written', () => {
    expect(evaluateCondition("${{ !cancelled() && fromJSON(needs.plan.outputs.matrix-count) >= 2 }}", contexts, failed)).toBe(true);
    expect(evaluateCondition('fromJSON(needs.plan.outputs.matrix-count) >= 3', contexts, ok)).toBe(false);
    expect(evaluateCondition("needs.plan.outputs.matrix-count != ''", contexts, failed)).toBe(false);
    expect(evaluateCondition('${{ always() }}', contexts, failed)).toBe(true);
    expect(evaluateCondition(undefined, contexts, failed)).toBe(false);
    expect(evaluateCondition("contains('always()', 'x')", contexts, failed)).toBe(false);
  });
});
