import { useTranslation } from 'react-i18next';
import { AuditorWorkspace } from '../auditor/AuditorWorkspace';
import { CentreWorkspace } from '../centre/CentreWorkspace';
import { ClinicianWorkspace } from '../clinician/ClinicianWorkspace';
import { LanguagePicker } from '../i18n/LanguagePicker';
import { PatientWorkspace } from '../patient/PatientWorkspace';
import { useSession } from '../session/session';

export function Workspace() {
  const { t } = useTranslation();
  const { user, signOut } = useSession();
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <span className="brand">Custodia</span>
        <span className="who">
          {user.displayName ?? user.username}
          <span className="role"> · {t(`vocabulary.role.${user.role}`)}</span>
        </span>
        <LanguagePicker />
        <button type="button" onClick={signOut}>
          {t('app.signOut')}
        </button>
      </header>
      <main id="main">
        {user.role === 'patient' && <PatientWorkspace />}
        {user.role === 'clinician' && <ClinicianWorkspace />}
        {user.role === 'centre' && <CentreWorkspace />}
        {user.role === 'auditor' && <AuditorWorkspace />}
        {user.role === 'admin' && <p>{t('app.adminNote')}</p>}
      </main>
    </>
  );
}
