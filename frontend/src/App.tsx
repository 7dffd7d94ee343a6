import { createHashRouter, Navigate, Outlet, RouterProvider } from 'react-router';
import { Header } from './components/Header';
import { Markets } from './pages/Markets';
import { NotFound } from './pages/NotFound';

function Shell() {
  return (
    <div className="shell">
      <Header />
      <main className="main">
        <Outlet />
      </main>
    </div>
  );
}

// Hash routes: the built dApp is static files that any web server (or gateway) can serve as they are.
const router = createHashRouter([
  {
    element: <Shell />,
    children: [
      { index: true, element: <Navigate to="/markets" replace /> },
      { path: 'markets', element: <Markets /> },
      // The other pages load on first visit: a visitor of the markets does not download the desks.
      { path: 'security/:symbol', lazy: async () => ({ Component: (await import('./pages/Security')).Security }) },
      { path: 'portfolio', lazy: async () => ({ Component: (await import('./pages/Portfolio')).Portfolio }) },
      { path: 'issuer', lazy: async () => ({ Component: (await import('./pages/Issuer')).Issuer }) },
      { path: 'registrar', lazy: async () => ({ Component: (await import('./pages/Registrar')).Registrar }) },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
