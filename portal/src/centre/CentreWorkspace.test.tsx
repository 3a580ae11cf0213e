/** @jest-environment ./portal/test/support/jsdom-environment.js */
import '@testing-library/jest-dom';
import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { problem } from '../../test/support/network';
import type { Call } from '../../test/support/network';
import { renderAs } from '../../test/support/session';
import type { UploadSession } from '../api/types';
import { CentreWorkspace } from './CentreWorkspace';

const UPLOAD_ID = '6f1d2c9e-8b1a-4c1e-9f57-2d8c1b3a4e5f';
const PART = 4;

function session(overrides: Partial<UploadSession> = {}): UploadSession {
  return {
    uploadId: UPLOAD_ID,
    kind: 'document',
    patientId: 'patient-1',
    sourceId: 'portal:scan.pdf:10:1',
    contentType: 'application/pdf',
    size: 10,
    partBytes: PART,
    partCount: 3,
    parts: [],
    receivedBytes: 0,
    status: 'receiving',
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    ...overrides,
  };
}

function blobText(blob: Blob): Promise<string> {
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.readAsText(blob);
  });
}

function routes() {
  let partFailures = 1;
  return {
    'POST /patients/patient-1/records': {
      status: 201,
      body: {
        uploadId: 'u-fhir',
        result: {
          records: [{ recordId: 'r-1', outcome: 'created' }],
          skipped: [{ index: 1, resourceType: 'Basic', reason: 'no-category' }],
        },
      },
    },
    'POST /uploads': { status: 201, body: session() },
    // The first try of part 1 meets a dropped connection: the part is sent again, not the file.
    [`PUT /uploads/${UPLOAD_ID}/parts/1`]: () =>
      partFailures-- > 0 ? problem(503, 'UNAVAILABLE', 'try again') : { body: session() },
    [`PUT /uploads/${UPLOAD_ID}/parts/0`]: { body: session() },
    [`PUT /uploads/${UPLOAD_ID}/parts/2`]: { body: session() },
    [`POST /uploads/${UPLOAD_ID}/complete`]: { body: session({ status: 'stored' }) },
    'GET /patients/lookup': (call: Call) =>
      call.query.get('id') === 'patient-1'
        ? {
            body: {
              patientId: 'patient-1',
              person: { given: ['Anna'], family: 'Keller', birthDate: '1981-03-14' },
            },
          }
        : call.query.get('id') === 'patient-9'
          ? { body: { patientId: 'patient-9' } }
          : problem(404, 'NOT_FOUND', 'no patient with this id'),
    'GET /uploads': {
      body: {
        items: [
          session({
            status: 'stored',
            result: {
              records: [
                { recordId: 'r-1', outcome: 'created' },
                { recordId: 'r-2', outcome: 'existing' },
              ],
              skipped: [{ index: 4, resourceType: 'Basic', reason: 'no-category' }],
            },
          }),
          session({
            uploadId: 'u-2',
            kind: 'fhir',
            sourceId: 'portal:bad.json:5:1',
            status: 'failed',
            createdAt: '2026-11-23T11:00:00.000Z',
            error: 'INVALID_INPUT',
            issues: [{ expression: 'Bundle.entry[0].resource.status', reason: 'Invalid code' }],
          }),
        ],
      },
    },
  };
}

/** Types the patient's id, checks who it is and confirms it, as a records office does before uploading. */
async function confirmPatient(id: string) {
  await userEvent.type(screen.getByLabelText('Patient identifier'), id);
  await userEvent.click(screen.getByRole('button', { name: 'Check who this is' }));
  await userEvent.click(await screen.findByLabelText('This is the patient whose records I am uploading'));
}

describe('CentreWorkspace', () => {
  it('shows whom an id names before anything is uploaded, and uploads nothing until it is confirmed', async () => {
    const { network } = renderAs('centre', <CentreWorkspace />, routes());
    await userEvent.type(screen.getByLabelText('Patient identifier'), 'patient-1');
    await userEvent.upload(screen.getByLabelText('Files to upload'), [
      new File(['0123456789'], 'scan.pdf', { type: 'application/pdf' }),
    ]);
    const send = screen.getByRole('button', { name: 'Upload files' });
    expect(send).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Check who this is' }));
    expect(await screen.findByText('Anna Keller, born March 14, 1981')).toBeInTheDocument();
    expect(send).toBeDisabled();
    await userEvent.click(screen.getByLabelText('This is the patient whose records I am uploading'));
    expect(send).toBeEnabled();
    // Another id typed afterwards needs its own check: the confirmation was for Anna.
    await userEvent.type(screen.getByLabelText('Patient identifier'), '0');
    expect(screen.queryByText(/Anna Keller/)).not.toBeInTheDocument();
    expect(send).toBeDisabled();
    expect(network.callsTo('POST /uploads')).toHaveLength(0);
  });

  it('of another organisation’s patient says only that they are registered; an unknown id is not found', async () => {
    renderAs('centre', <CentreWorkspace />, routes());
    await userEvent.type(screen.getByLabelText('Patient identifier'), 'patient-9');
    await userEvent.click(screen.getByRole('button', { name: 'Check who this is' }));
    expect(await screen.findByText(/registered, with another organisation/)).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText('Patient identifier'));
    await userEvent.type(screen.getByLabelText('Patient identifier'), 'patient-404');
    await userEvent.click(screen.getByRole('button', { name: 'Check who this is' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This could not be found.');
    expect(
      screen.queryByLabelText('This is the patient whose records I am uploading'),
    ).not.toBeInTheDocument();
  });

  it('uploads a dropped FHIR file with its tags and a scan in parts, each with its own progress', async () => {
    const { network } = renderAs('centre', <CentreWorkspace />, routes());
    await confirmPatient('patient-1');
    await userEvent.click(screen.getByText('Tags for this upload (optional)'));
    await userEvent.click(
      within(screen.getByRole('group', { name: 'Sensitivity' })).getByLabelText('Mental health'),
    );

    const fhir = new File(
      [
        JSON.stringify({
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [{ resource: { resourceType: 'Condition' } }],
        }),
      ],
      'summary.json',
      { type: 'application/fhir+json', lastModified: 1 },
    );
    const scan = new File(['0123456789'], 'scan.pdf', { type: 'application/pdf', lastModified: 1 });
    fireEvent.drop(screen.getByText(/Drop FHIR files/).parentElement as HTMLElement, {
      dataTransfer: { files: [fhir, scan] },
    });
    const files = screen.getByRole('list', { name: 'Files' });
    expect(within(files).getAllByRole('listitem')).toHaveLength(2);
    const queued = within(files).getAllByRole('listitem');
    expect(queued[0]).toHaveTextContent(`summary.jsonWaitingFHIR · ${fhir.size} byte`);
    expect(queued[1]).toHaveTextContent('scan.pdfWaitingDocument · 10 byte');

    await userEvent.click(screen.getByRole('button', { name: 'Upload files' }));
    await screen.findAllByText('Uploaded').then((done) => expect(done).toHaveLength(2));
    expect(screen.getByLabelText('Progress of summary.json')).toHaveAttribute('value', '1');
    expect(screen.getByLabelText('Progress of scan.pdf')).toHaveAttribute('value', '1');
    // What the lake stored of the FHIR file, and the entry it left out.
    expect(within(files).getAllByRole('listitem')[0]).toHaveTextContent(
      '1 record stored: 1 new, 0 already stored.',
    );
    expect(within(files).getAllByRole('listitem')[0]).toHaveTextContent('1 entry left out');

    const records = network.callsTo('POST /patients/patient-1/records')[0] as Call;
    expect(records.query.get('sourceId')).toBe(`portal:summary.json:${fhir.size}:1`);
    expect(records.headers['content-type']).toBe('application/fhir+json');
    expect(records.body).toMatchObject({
      entry: [
        {
          resource: {
            meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }] },
          },
        },
      ],
    });
    expect(network.callsTo('POST /uploads')[0]?.body).toMatchObject({
      patientId: 'patient-1',
      fileName: 'scan.pdf',
      contentType: 'application/pdf',
      size: 10,
      documentReference: { resourceType: 'DocumentReference', description: 'scan.pdf' },
    });
    const parts = network.calls.filter((c) => c.path.startsWith(`/uploads/${UPLOAD_ID}/parts/`));
    expect(parts.map((c) => c.path.split('/').pop())).toEqual(['0', '1', '1', '2']);
    expect(await Promise.all([parts[0], parts[2], parts[3]].map((c) => blobText(c?.body as Blob)))).toEqual([
      '0123',
      '4567',
      '89',
    ]);
    expect(network.callsTo(`POST /uploads/${UPLOAD_ID}/complete`)).toHaveLength(1);
  });

  it('shows the refusal of one file, with the issues to fix, without stopping the others', async () => {
    renderAs('centre', <CentreWorkspace />, {
      ...routes(),
      'POST /patients/patient-1/records': problem(
        400,
        'INVALID_INPUT',
        'FHIR resource failed structural validation',
        {
          issues: [{ expression: 'Bundle.entry[0].resource', reason: 'Unknown resource type' }],
        },
      ),
    });
    await confirmPatient('patient-1');
    await userEvent.upload(screen.getByLabelText('Files to upload'), [
      new File(['{"resourceType":"Nope"}'], 'bad.json', { type: 'application/json' }),
      new File(['0123456789'], 'scan.pdf', { type: 'application/pdf' }),
    ]);
    await userEvent.click(screen.getByRole('button', { name: 'Upload files' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The file is not valid FHIR.');
    expect(alert).toHaveTextContent(
      '1 issue to fix in the file:Bundle.entry[0].resource: Unknown resource type',
    );
    expect(await screen.findByText('Uploaded')).toBeInTheDocument();
    expect(screen.getByText('Refused')).toBeInTheDocument();
  });

  it('lists the upload history, newest first, with what was stored and each refused file’s issues', async () => {
    renderAs('centre', <CentreWorkspace />, routes());
    await userEvent.click(screen.getByRole('button', { name: 'History' }));
    const uploads = within(await screen.findByRole('list', { name: 'Upload history' })).getAllByRole(
      'listitem',
    );
    const [refused, stored] = uploads.filter((item) => item.classList.contains('upload'));
    // The status comes first, so it stays visible on a phone.
    expect(refused?.firstElementChild).toHaveTextContent(/^Refusedbad\.json$/);
    expect(refused).toHaveTextContent('The file is not valid FHIR. INVALID_INPUT');
    expect(refused).toHaveTextContent('Bundle.entry[0].resource.status: Invalid code');
    expect(stored?.firstElementChild).toHaveTextContent(/^Storedscan\.pdf$/);
    expect(stored).toHaveTextContent('2 records stored: 1 new, 1 already stored.');
    expect(stored).toHaveTextContent('1 entry left out');
    await userEvent.click(within(stored as HTMLElement).getByText('1 entry left out'));
    expect(stored).toHaveTextContent(
      'Entry 4 (Basic): no kind of information recognised (tag it with a category)',
    );
  });
});
