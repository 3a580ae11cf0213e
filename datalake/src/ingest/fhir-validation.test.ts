import { sensitiveCorpus } from '../../test/fixtures/sensitive-corpus';
import { validateFhir } from './fhir-validation';
import { narrativeProblem } from './narrative';

const outcome = (input: unknown): unknown => {
  try {
    validateFhir(input);
    return 'valid';
  } catch (error) {
    const { code, details } = error as { code?: string; details?: { issues?: { expression?: string }[] } };
    return { code, expressions: details?.issues?.map((issue) => issue.expression) };
  }
};
const subject = { reference: 'Patient/p' };
const div = (inner: string) => `<div xmlns="http://www.w3.org/1999/xhtml">${inner}</div>`;
const condition = (extra: Record<string, unknown>) => ({ resourceType: 'Condition', subject, ...extra });

describe('FHIR validation beyond structure', () => {
  it('accepts the realistic corpus and a plain narrative', () => {
    expect(outcome(sensitiveCorpus().bundle)).toBe('valid');
    expect(
      outcome(
        condition({
          text: { status: 'generated', div: div('<p>Seen <b>today</b> &amp; <a href="#c">here</a></p>') },
        }),
      ),
    ).toBe('valid');
  });

  it('refuses codes outside required bindings, wherever the resource is', () => {
    const cases: Array<[unknown, string]> = [
      [
        {
          resourceType: 'Immunization',
          status: 'done',
          vaccineCode: { text: 'flu' },
          patient: subject,
          occurrenceDateTime: '2024-01-01',
        },
        'Immunization.status',
      ],
      [
        condition({
          clinicalStatus: {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'not-a-status' },
            ],
          },
        }),
        'Condition.clinicalStatus',
      ],
      // The right code under the wrong system is not from the value set either.
      [
        condition({ clinicalStatus: { coding: [{ system: 'http://example.org/status', code: 'active' }] } }),
        'Condition.clinicalStatus',
      ],
      [condition({ clinicalStatus: { text: 'active' } }), 'Condition.clinicalStatus'],
      [{ resourceType: 'Observation', status: 'bogus', code: { text: 'x' } }, 'Observation.status'],
      [
        {
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'x' },
          valueQuantity: { value: 1, comparator: '~' },
        },
        'Observation.valueQuantity.comparator',
      ],
      [
        {
          resourceType: 'Bundle',
          type: 'collection',
          entry: [{ resource: { resourceType: 'Observation', status: 'bogus', code: { text: 'x' } } }],
        },
        'Bundle.entry[0].resource.status',
      ],
      [
        condition({
          contained: [{ resourceType: 'Observation', id: 'o', status: 'bogus', code: { text: 'x' } }],
        }),
        'Condition.contained[0].status',
      ],
      [{ resourceType: 'Bundle', type: 'not-a-type' }, 'Bundle.type'],
    ];
    for (const [input, expression] of cases)
      expect(outcome(input)).toEqual({ code: 'INVALID_INPUT', expressions: [expression] });
  });

  it('refuses empty and blank strings anywhere', () => {
    expect(outcome(condition({ code: { text: '' } }))).toEqual({
      code: 'INVALID_INPUT',
      expressions: ['Condition.code.text'],
    });
    expect(outcome(condition({ note: [{ text: '\n\t ' }] }))).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('refuses unsafe narrative, however it is written', () => {
    const attacks = [
      '<script>alert(1)</script>',
      '<p onclick="steal()">x</p>',
      '<p ONMOUSEOVER="steal()">x</p>',
      '<a href="javascript:steal()">x</a>',
      '<a href="java&#x09;script:steal()">x</a>',
      '<a href="&#106;avascript:steal()">x</a>',
      '<a href=" JaVaScRiPt:steal()">x</a>',
      '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
      '<img src="https://tracker.example/pixel.gif"/>',
      '<img src="//tracker.example/pixel.gif"/>',
      '<p style="background:url(https://tracker.example/x)">x</p>',
      '<p style="background:u\\rl(https://tracker.example/x)">x</p>',
      '<iframe src="#x"></iframe>',
      '<form action="#x"><p>x</p></form>',
      '<object data="#x"></object>',
      '<svg><script>alert(1)</script></svg>',
      '<p>x</p><![CDATA[<script>alert(1)</script>]]>',
      '<p>x &nbsp; y</p>',
      '<p>unclosed',
      '<p>x</p></div><div xmlns="http://www.w3.org/1999/xhtml">',
    ];
    for (const inner of attacks)
      expect({ inner, problem: narrativeProblem(div(inner)) !== undefined }).toEqual({
        inner,
        problem: true,
      });
    for (const whole of [
      '<div><p>no namespace</p></div>',
      '<p xmlns="http://www.w3.org/1999/xhtml">not a div</p>',
      div('   '),
      `${div('<p>x</p>')}trailing text`,
      '<?xml version="1.0"?>' + div('<p>x</p>'),
    ])
      expect({ whole, problem: narrativeProblem(whole) !== undefined }).toEqual({ whole, problem: true });
    expect(
      outcome(condition({ text: { status: 'generated', div: div('<script>alert(1)</script>') } })),
    ).toEqual({
      code: 'INVALID_INPUT',
      expressions: ['Condition.text.div'],
    });
    expect(narrativeProblem(div('<img src="#photo" alt="x"/>'))).toBeUndefined();
    expect(narrativeProblem(div('<a href="https://www.who.int/">WHO</a>'))).toBeUndefined();
  });
});
