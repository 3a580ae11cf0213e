import path from 'node:path';
import {
  contentTypeFor,
  isValidSourceId,
  missingParts,
  partRanges,
  patientOf,
  planFolder,
  recordsRoute,
  resumableSession,
  sourceIdFor,
} from './upload-plan';
import type { UploadSessionView } from './upload-plan';

describe('planFolder', () => {
  const files = [
    'b/scan.pdf',
    'a.json',
    'b/scan.pdf.docref.json',
    'b/xray.dcm',
    ['c', 'deep.json'].join(path.sep),
    'notes.txt',
  ];

  it('takes every *.json as FHIR, sorted, and leaves sidecars and other files out without --binary', () => {
    expect(planFolder(files, false)).toEqual({ fhir: ['a.json', 'c/deep.json'], binaries: [] });
  });

  it('with binaries, pairs each file with its DocumentReference sidecar when there is one', () => {
    expect(planFolder(files, true).binaries).toEqual([
      { file: 'b/scan.pdf', documentReference: 'b/scan.pdf.docref.json' },
      { file: 'b/xray.dcm' },
      { file: 'notes.txt' },
    ]);
  });
});

describe('sourceIdFor', () => {
  it('is the relative path when the API accepts it as is', () => {
    expect(sourceIdFor('2026/visit-01.json')).toBe('2026/visit-01.json');
    expect(sourceIdFor('visit.json', 'his-berlin:')).toBe('his-berlin:visit.json');
  });

  it('replaces what the API refuses and keeps different paths apart with a hash of the real path', () => {
    const spaced = sourceIdFor('visit 01.json');
    const underscored = sourceIdFor('visit_01.json');
    expect(spaced).toMatch(/^visit_01\.json#[0-9a-f]{16}$/);
    expect(underscored).toBe('visit_01.json');
    expect(spaced).not.toBe(underscored);
    expect(isValidSourceId(spaced)).toBe(true);
    expect(isValidSourceId(sourceIdFor('_leading.json'))).toBe(true);
    expect(isValidSourceId(sourceIdFor('Ärztebrief (Kopie).json'))).toBe(true);
  });

  it('shortens long paths to the limit, stably', () => {
    const long = `${'deep/'.repeat(60)}record.json`;
    const id = sourceIdFor(long);
    expect(id.length).toBeLessThanOrEqual(200);
    expect(isValidSourceId(id)).toBe(true);
    expect(sourceIdFor(long)).toBe(id);
    expect(sourceIdFor(`${'deep/'.repeat(60)}other.json`)).not.toBe(id);
  });
});

describe('patientOf', () => {
  const bundle = (...resources: object[]) => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: resources.map((resource) => ({ resource })),
  });

  it('takes the id of the Patient resource in a Bundle', () => {
    expect(
      patientOf(
        bundle(
          { resourceType: 'Patient', id: 'patient-7' },
          { resourceType: 'Condition', subject: { reference: 'urn:uuid:1' } },
        ),
      ),
    ).toEqual({ patientId: 'patient-7' });
  });

  it('otherwise the one patient the subject and patient references name', () => {
    expect(
      patientOf(
        bundle(
          { resourceType: 'Condition', subject: { reference: 'Patient/p-1' } },
          { resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/p-1' } },
        ),
      ),
    ).toEqual({ patientId: 'p-1' });
    expect(patientOf({ resourceType: 'Observation', subject: { reference: 'Patient/p-2' } })).toEqual({
      patientId: 'p-2',
    });
  });

  it('refuses to guess between several patients or without any', () => {
    expect(
      patientOf(
        bundle(
          { resourceType: 'Condition', subject: { reference: 'Patient/p-1' } },
          { resourceType: 'Condition', subject: { reference: 'Patient/p-2' } },
        ),
      ),
    ).toEqual({ problem: 'SEVERAL_PATIENTS' });
    expect(patientOf({ resourceType: 'Observation', subject: { reference: 'Group/g' } })).toEqual({
      problem: 'NO_PATIENT',
    });
    expect(patientOf('not a resource')).toEqual({ problem: 'NO_PATIENT' });
  });
});

describe('requests and parts', () => {
  it('maps a patient to its records route, escaped', () => {
    expect(recordsRoute('patient-anna')).toBe('/patients/patient-anna/records');
    expect(recordsRoute('a/b')).toBe('/patients/a%2Fb/records');
  });

  it('knows common binary types and falls back to octet-stream', () => {
    expect(contentTypeFor('scan.PDF')).toBe('application/pdf');
    expect(contentTypeFor('image.dcm')).toBe('application/dicom');
    expect(contentTypeFor('blob.bin')).toBe('application/octet-stream');
  });

  it('splits a file into parts as the gateway counts them', () => {
    expect(partRanges(25, 10)).toEqual([
      { index: 0, start: 0, end: 10 },
      { index: 1, start: 10, end: 20 },
      { index: 2, start: 20, end: 25 },
    ]);
    expect(partRanges(10, 10)).toEqual([{ index: 0, start: 0, end: 10 }]);
  });

  const session: UploadSessionView = {
    uploadId: 'u-1',
    kind: 'document',
    patientId: 'p-1',
    sourceId: 'scan.pdf',
    size: 25,
    partBytes: 10,
    parts: [0, 2],
    status: 'receiving',
  };

  it('resumes an unfinished upload of the same file and sends only the missing parts', () => {
    expect(resumableSession([session], { patientId: 'p-1', sourceId: 'scan.pdf', size: 25 })).toBe(session);
    expect(resumableSession([session], { patientId: 'p-1', sourceId: 'scan.pdf', size: 26 })).toBeUndefined();
    expect(
      resumableSession([{ ...session, status: 'stored' }], {
        patientId: 'p-1',
        sourceId: 'scan.pdf',
        size: 25,
      }),
    ).toBeUndefined();
    expect(missingParts(session)).toEqual([{ index: 1, start: 10, end: 20 }]);
  });
});
