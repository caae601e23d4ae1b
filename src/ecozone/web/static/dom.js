// DOM helpers shared by the page scripts: message lookup with {name} placeholders, and building
// elements from a tag, attributes and children (strings become text nodes).
window.ecozoneDom = (function () {
  'use strict';

  function translator(messages) {
    return function t(key, values) {
      let text = messages[key] || key;
      Object.entries(values || {}).forEach(([name, value]) => {
        text = text.split('{' + name + '}').join(String(value));
      });
      return text;
    };
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => {
      if (name === 'text') node.textContent = value;
      else if (value !== null && value !== undefined) node.setAttribute(name, value);
    });
    (children || []).forEach((child) => child && node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child));
    return node;
  }

  return { translator, el };
})();
