import { planFhirRecords } from './datalake/src/ingest/fhir-records';
import { sensitiveCorpus } from './datalake/test/fixtures/sensitive-corpus';
try { planFhirRecords(sensitiveCorpus().bundle, 'synthea-export-1', new Date(), 'patient-corpus-1'); console.log('ok'); } catch (e) { console.log(e); }
