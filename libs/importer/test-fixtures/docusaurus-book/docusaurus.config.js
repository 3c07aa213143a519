// A minimal Docusaurus site config: the reader takes the book title and description from it.
export default {
  title: 'Robot Cookbook',
  tagline: 'Small recipes for small robots',
  url: 'https://cookbook.example.com',
  baseUrl: '/',
};
