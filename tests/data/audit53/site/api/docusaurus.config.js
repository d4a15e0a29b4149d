// @ts-check
/** @type {import('@docusaurus/types').Config} */
const config = {
  title: 'Pointly — API',
  tagline: "L'API REST de Pointly",
  url: 'https://developpeurs.pointly.fr',
  baseUrl: '/',
  i18n: {
    defaultLocale: 'fr',
    locales: ['fr', 'en'],
  },
  presets: [
    [
      'classic',
      {
        docs: {
          routeBasePath: '/',
          sidebarPath: require.resolve('./sidebars.js'),
          editUrl: 'https://github.com/pointly-sas/docs/tree/main/api/',
        },
        blog: false,
      },
    ],
  ],
};

module.exports = config;
