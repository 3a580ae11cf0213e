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
    'POST /patients/patient-1/records': { status: 201, body: { uploadId: 'u-fhir', result: {} } },
    'POST /uploads': { status: 201, body: session() },
    // The first try of part 1 meets a dropped connection: the part is sent again, not the file.
    [`PUT /uploads/${UPLOAD_ID}/parts/1`]: () =>
      partFailures-- > 0 ? problem(503, 'UNAVAILABLE', 'try again') : { body: session() },
    [`PUT /uploads/${UPLOAD_ID}/parts/0`]: { body: session() },
    [`PUT /uploads/${UPLOAD_ID}/parts/2`]: { body: session() },
    [`POST /uploads/${UPLOAD_ID}/complete`]: { body: session({ status: 'stored' }) },
    'GET /uploads': {
      body: {
        items: [
          session({ status: 'stored' }),
          session({
            uploadId: 'u-2',
            kind: 'fhir',
            sourceId: 'portal:bad.json:5:1',
            status: 'failed',
            error: 'INVALID_FHIR',
          }),
        ],
      },
    },
  };
}

describe('CentreWorkspace', () => {
  it('uploads a dropped FHIR file with its tags and a scan in parts, each with its own progress', async () => {
    const { network } = renderAs('centre', <CentreWorkspace />, routes());
    await userEvent.type(screen.getByLabelText('Patient identifier'), 'patient-1');
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
    expect(within(files).getAllByRole('listitem')[0]).toHaveTextContent(`summary.jsonFHIR · ${fhir.size} B`);
    expect(within(files).getAllByRole('listitem')[1]).toHaveTextContent('scan.pdfdocument · 10 B');

    await userEvent.click(screen.getByRole('button', { name: 'Upload files' }));
    await screen.findAllByText('Uploaded').then((done) => expect(done).toHaveLength(2));
    expect(screen.getByLabelText('Progress of summary.json')).toHaveAttribute('value', '1');
    expect(screen.getByLabelText('Progress of scan.pdf')).toHaveAttribute('value', '1');

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

  it('shows the refusal of one file without stopping the others', async () => {
    renderAs('centre', <CentreWorkspace />, {
      ...routes(),
      'POST /patients/patient-1/records': problem(
        422,
        'INVALID_FHIR',
        'entry 0: resourceType is not a FHIR R4 type',
      ),
    });
    await userEvent.type(screen.getByLabelText('Patient identifier'), 'patient-1');
    await userEvent.upload(screen.getByLabelText('Files to upload'), [
      new File(['{"resourceType":"Nope"}'], 'bad.json', { type: 'application/json' }),
      new File(['0123456789'], 'scan.pdf', { type: 'application/pdf' }),
    ]);
    await userEvent.click(screen.getByRole('button', { name: 'Upload files' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('entry 0: resourceType is not a FHIR R4 type');
    expect(await screen.findByText('Uploaded')).toBeInTheDocument();
    expect(screen.getByText('Failed')).toBeInTheDocument();
  });

  it('lists the upload history with each status', async () => {
    renderAs('centre', <CentreWorkspace />, routes());
    await userEvent.click(screen.getByRole('button', { name: 'History' }));
    const rows = await screen.findAllByRole('row');
    expect(rows[1]).toHaveTextContent('portal:scan.pdf:10:1');
    expect(rows[1]).toHaveTextContent('Stored');
    expect(rows[2]).toHaveTextContent('Failed (INVALID_FHIR)');
  });
});
