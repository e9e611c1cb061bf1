import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { Loading } from '../components/Loading.js';
import { LoginPage } from '../features/login/LoginPage.js';
import { useAuth } from './auth.js';
import { Layout } from './Layout.js';
import { matchRoute, navigate, useLocation } from './router.js';

// Every page is its own chunk: the inbox never pulls in bpmn-js or rjsf.
const InboxPage = lazy(() =>
  import('../features/tasks/InboxPage.js').then((m) => ({ default: m.InboxPage })),
);
const TaskPage = lazy(() => import('../features/tasks/TaskPage.js').then((m) => ({ default: m.TaskPage })));
const StartPage = lazy(() =>
  import('../features/tasks/StartPage.js').then((m) => ({ default: m.StartPage })),
);
const ProcessListPage = lazy(() =>
  import('../features/modeler/ProcessListPage.js').then((m) => ({ default: m.ProcessListPage })),
);
const ModelerPage = lazy(() =>
  import('../features/modeler/ModelerPage.js').then((m) => ({ default: m.ModelerPage })),
);
const DecisionListPage = lazy(() =>
  import('../features/decisions/DecisionListPage.js').then((m) => ({ default: m.DecisionListPage })),
);
const DecisionEditorPage = lazy(() =>
  import('../features/decisions/DecisionEditorPage.js').then((m) => ({ default: m.DecisionEditorPage })),
);
const FormListPage = lazy(() =>
  import('../features/form-designer/FormListPage.js').then((m) => ({ default: m.FormListPage })),
);
const FormDesignerPage = lazy(() =>
  import('../features/form-designer/FormDesignerPage.js').then((m) => ({ default: m.FormDesignerPage })),
);
const InstancesPage = lazy(() =>
  import('../features/monitor/InstancesPage.js').then((m) => ({ default: m.InstancesPage })),
);
const InstancePage = lazy(() =>
  import('../features/monitor/InstancePage.js').then((m) => ({ default: m.InstancePage })),
);
const BatchesPage = lazy(() =>
  import('../features/monitor/batches/BatchesPage.js').then((m) => ({ default: m.BatchesPage })),
);
const KpiPage = lazy(() => import('../features/monitor/KpiPage.js').then((m) => ({ default: m.KpiPage })));
const NotificationsPage = lazy(() =>
  import('../features/notifications/NotificationsPage.js').then((m) => ({ default: m.NotificationsPage })),
);
const RequestsPage = lazy(() =>
  import('../features/requests/RequestsPage.js').then((m) => ({ default: m.RequestsPage })),
);
const TemplatesPage = lazy(() =>
  import('../features/templates/TemplatesPage.js').then((m) => ({ default: m.TemplatesPage })),
);

const TeamPage = lazy(() => import('../features/teams/TeamPage.js').then((m) => ({ default: m.TeamPage })));
const CalendarsPage = lazy(() =>
  import('../features/teams/calendars/CalendarsPage.js').then((m) => ({ default: m.CalendarsPage })),
);

type RouteTable = [pattern: string, render: (params: Record<string, string>) => ReactNode][];

const routes: RouteTable = [
  ['/inbox', () => <InboxPage />],
  ['/tasks/:id', (p) => <TaskPage key={p.id} taskId={p.id!} />],
  ['/start', () => <StartPage />],
  ['/start/:processId', (p) => <StartPage key={p.processId} processId={p.processId} />],
  ['/processes', () => <ProcessListPage />],
  ['/modeler/:processId', (p) => <ModelerPage key={p.processId} processId={p.processId!} />],
  ['/decisions', () => <DecisionListPage />],
  ['/decisions/:id', (p) => <DecisionEditorPage key={p.id} which={p.id!} />],
  ['/forms', () => <FormListPage />],
  ['/forms/:formId', (p) => <FormDesignerPage key={p.formId} formId={p.formId!} />],
  ['/instances', () => <InstancesPage />],
  ['/instances/:id', (p) => <InstancePage key={p.id} instanceId={p.id!} />],
  ['/kpis', () => <KpiPage />],
  ['/kpis/:processId', (p) => <KpiPage key={p.processId} processId={p.processId} />],
  ['/templates', () => <TemplatesPage />],
  ['/requests', () => <RequestsPage />],
  ['/notifications', () => <NotificationsPage />],
  ['/team', () => <TeamPage />],
  ['/batches', () => <BatchesPage />],
  ['/team/calendars', () => <CalendarsPage />],
];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** Picks the page for the current hash; signed-out visitors see the login page. */
export function App() {
  const { user } = useAuth();
  const { path } = useLocation();
  if (user === undefined) return <Loading />;
  if (user === null) return <LoginPage />;
  if (path === '/login' || path === '/') return <Redirect to="/inbox" />;
  for (const [pattern, render] of routes) {
    const params = matchRoute(pattern, path);
    if (params)
      return (
        <Layout>
          <Suspense fallback={<Loading />}>{render(params)}</Suspense>
        </Layout>
      );
  }
  return <Redirect to="/inbox" />;
}
