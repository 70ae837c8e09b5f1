import { AppError } from '../../shared/domain/errors.js';
import { PROBLEMS, problemType, toProblem } from '../../shared/http/problem.js';

describe('toProblem', () => {
  it('shows the detail and extensions of a 4xx error', () => {
    const problem = toProblem(
      new AppError('invalid-event', 'note.version is wrong', { errors: [{ path: 'note.version' }] }),
    );
    expect(problem).toEqual({
      type: problemType('invalid-event'),
      title: PROBLEMS['invalid-event'].title,
      status: 422,
      detail: 'note.version is wrong',
      errors: [{ path: 'note.version' }],
    });
  });

  it('hides the detail of a 5xx error', () => {
    const problem = toProblem(new AppError('storage-unavailable', 'table visitbridge-uk throttled'));
    expect(problem).toEqual({
      type: problemType('storage-unavailable'),
      title: 'Service unavailable',
      status: 503,
    });
  });

  it('turns an unexpected throw into a generic 500', () => {
    const problem = toProblem(new TypeError('secret stack detail'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('secret');
  });

  it('gives every code a distinct problem type and a 4xx or 5xx status', () => {
    const types = Object.keys(PROBLEMS).map((code) => problemType(code as keyof typeof PROBLEMS));
    expect(new Set(types).size).toBe(types.length);
    for (const spec of Object.values(PROBLEMS)) expect(spec.status >= 400 && spec.status < 600).toBe(true);
  });

  it('does not let extensions overwrite the status or type', () => {
    const problem = toProblem(new AppError('not-found', 'no such note', { status: 200, type: 'x' }));
    expect(problem.status).toBe(404);
    expect(problem.type).toBe(problemType('not-found'));
  });
});
