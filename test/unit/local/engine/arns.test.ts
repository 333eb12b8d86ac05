import {
  executionArnFor,
  functionKeyOf,
  localFunctionArn,
  localSubstitutions,
} from '../../../../local/engine/arns';

/** `${name}`: an ASL placeholder, as the template holds it. */
const ph = (name: string): string => `$\{${name}}`;

describe('local ARNs', () => {
  it('builds the local function ARN of a catalog key', () => {
    expect(localFunctionArn('SnapshotVolume')).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:airlock-SnapshotVolume',
    );
  });

  it('resolves the function key from a placeholder, a local ARN (qualified or not) or a bare name', () => {
    expect(functionKeyOf(ph('SnapshotVolumeFunctionArn'))).toBe('SnapshotVolume');
    expect(functionKeyOf(localFunctionArn('Notify'))).toBe('Notify');
    expect(functionKeyOf(`${localFunctionArn('Notify')}:$LATEST`)).toBe('Notify');
    expect(functionKeyOf('airlock-Escalate')).toBe('Escalate');
  });

  it('fails to resolve other resources', () => {
    expect(functionKeyOf('arn:aws:states:::sns:publish')).toBeUndefined();
    expect(functionKeyOf('arn:aws:lambda:us-east-1:123456789012:function:someone-else')).toBeUndefined();
    expect(functionKeyOf(ph('EvidenceBucket'))).toBeUndefined();
  });

  it('produces a substitution for every placeholder of a template', () => {
    const template = JSON.stringify({
      a: ph('NotifyFunctionArn'),
      b: ph('EvidenceBucket'),
      c: ph('NotifyFunctionArn'),
    });

    expect(localSubstitutions({ EvidenceBucket: 'evidence' }, template)).toEqual({
      NotifyFunctionArn: localFunctionArn('Notify'),
      EvidenceBucket: 'evidence',
    });
  });

  it('fails naming every placeholder without a value', () => {
    const template = JSON.stringify({ a: ph('EvidenceBucket'), b: ph('Region'), c: ph('NotifyFunctionArn') });

    expect(() => localSubstitutions({}, template)).toThrow(`${ph('EvidenceBucket')}, ${ph('Region')}`);
  });

  it('derives execution ARNs from the state machine ARN', () => {
    expect(executionArnFor('arn:aws:states:us-east-1:000000000000:stateMachine:airlock', 'inc-1')).toBe(
      'arn:aws:states:us-east-1:000000000000:execution:airlock:inc-1',
    );
  });
});
